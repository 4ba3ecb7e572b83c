const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;
type DurationUnit = keyof typeof UNIT_SECONDS;

/** Ten years: anything longer is a typo, not an expiry. */
const MAX_DURATION_SECONDS = 3_650 * 86_400;

export type DurationResult = { ok: true; seconds: number } | { ok: false; message: string };

/**
 * Parses `30d`, `12h`, `90m` or `45s` into seconds. One whole number and one unit only, so
 * `1.5h` or `1h30m` are refused rather than guessed at.
 */
export function parseDuration(text: string): DurationResult {
  const match = /^(\d{1,10})([smhd])$/.exec(text.trim());
  if (!match?.[1] || !match[2]) {
    return {
      ok: false,
      message: `${JSON.stringify(text)} is not a duration: use a whole number and a unit, e.g. 30d, 12h, 90m or 45s`,
    };
  }
  const amount = Number(match[1]);
  const seconds = amount * UNIT_SECONDS[match[2] as DurationUnit];
  if (seconds <= 0)
    return { ok: false, message: `${JSON.stringify(text)} must be longer than zero` };
  if (seconds > MAX_DURATION_SECONDS) {
    return { ok: false, message: `${JSON.stringify(text)} is longer than the maximum of 3650d` };
  }
  return { ok: true, seconds };
}
