import { isIP } from 'node:net';
import { forbiddenTargetReason } from '@portico/config';
import { z } from 'zod';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

export const ZServiceName = z
  .string()
  .min(1)
  .max(100)
  .regex(
    NAME,
    'a service name starts with a letter or digit and uses only letters, digits, ".", "_" and "-"',
  );

export const ZInstanceId = z
  .string()
  .min(1)
  .max(200)
  .regex(
    NAME,
    'an instance id starts with a letter or digit and uses only letters, digits, ".", "_" and "-"',
  );

function isHostName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return (
    name.length > 0 &&
    name.length <= 253 &&
    name.split('.').every((label) => HOST_LABEL.test(label))
  );
}

export const ZAddress = z
  .string()
  .min(1, 'address must not be empty')
  .max(253)
  .superRefine((address, ctx) => {
    if (isIP(address) === 0 && !isHostName(address)) {
      ctx.addIssue({
        code: 'custom',
        message: `address ${JSON.stringify(address)} is neither an IP address nor a host name`,
      });
      return;
    }
    const reason = forbiddenTargetReason(address);
    if (reason) ctx.addIssue({ code: 'custom', message: `address ${address} ${reason}; refused` });
  });

export const ZRegisterBody = z.strictObject({
  address: ZAddress,
  port: z
    .number()
    .int('port must be an integer')
    .min(1, 'port must be 1-65535')
    .max(65535, 'port must be 1-65535'),
  metadata: z
    .record(z.string().max(100), z.string().max(1000))
    .refine((m) => Object.keys(m).length <= 64, 'metadata holds at most 64 entries')
    .default({}),
  ttlSeconds: z
    .number()
    .int()
    .min(2, 'ttlSeconds must be at least 2')
    .max(3600, 'ttlSeconds must be at most 3600')
    .default(30),
});
export type RegisterBody = z.infer<typeof ZRegisterBody>;

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
