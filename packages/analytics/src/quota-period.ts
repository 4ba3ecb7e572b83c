/** Quota periods are UTC calendar days or months, as the gateway's quota counter uses. */
export type QuotaPer = 'day' | 'month';

/** The quota period containing `nowMs`: [startMs, endMs). */
export function quotaPeriodAt(nowMs: number, per: QuotaPer): { startMs: number; endMs: number } {
  const now = new Date(nowMs);
  if (per === 'day') {
    const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return { startMs, endMs: startMs + 86_400_000 };
  }
  return {
    startMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
    endMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
  };
}
