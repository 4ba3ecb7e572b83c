import { ZInstanceId, ZServiceName } from '@portico/config';
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

/** An instance's `:service` and `:instanceId` path parameters, or what is wrong with each. */
export function parseInstancePath(params: {
  service: string;
  instanceId: string;
}): { ok: true; service: string; instanceId: string } | { ok: false; problems: string[] } {
  const service = ZServiceName.safeParse(params.service);
  const instanceId = ZInstanceId.safeParse(params.instanceId);
  if (service.success && instanceId.success)
    return { ok: true, service: service.data, instanceId: instanceId.data };
  const problems = [
    service.success ? null : describeIssues(service.error, 'service'),
    instanceId.success ? null : describeIssues(instanceId.error, 'instanceId'),
  ].filter((problem): problem is string => problem !== null);
  return { ok: false, problems };
}
