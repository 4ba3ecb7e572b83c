import type { z } from 'zod';

/* The request and response documents are the wire contract in @portico/config (registry-protocol). */

/** `30s`, `500ms`, `2m` or a bare number of seconds, capped at `maxMs`. */
export function parseWaitMs(
  raw: string | undefined,
  defaultMs: number,
  maxMs: number,
): number | null {
  if (raw === undefined || raw === '') return defaultMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw);
  if (!match?.[1]) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000;
  return Math.min(Math.max(ms, 0), maxMs);
}

/** Turns zod issues into one sentence a person can act on. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
