import { analyticsShedEnv } from '@portico/analytics';
import { ZRedisPrefix } from '@portico/config';
import { redisClusterEnv } from '@portico/config/redis';
import { isWellFormedSecret } from '@portico/keys';
import { z } from 'zod';

/**
 * A comma-separated list of http(s) origins (scheme://host[:port]), each normalised to its
 * origin; `defaults` when unset.
 */
function originList(defaults: string) {
  return z
    .string()
    .default(defaults)
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((o) => new URL(o).origin)));
}

const ZBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ZPort = z.coerce.number().int().min(1).max(65535);

/**
 * Every variable the control plane reads. docs/configuration.md lists them for people.
 *
 * PORTICO_BOOTSTRAP_TOKEN must be a well-formed `pat_` token (prefix, 32 base62 characters and a
 * checksum, as @portico/keys makes them): it becomes the first owner's personal access token and
 * authenticates through the same path as every other PAT. Make one with
 * `npm run bootstrap-token --workspace apps/control`.
 */
export const ZControlEnv = z.object({
  DATABASE_URL: z
    .string({ error: 'is required (postgres://user@host:5432/db)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ...redisClusterEnv,
  /**
   * Prefix of every Redis key and queue of this deployment (limiter counters read for usage,
   * the built-in registry), shared with its gateways and worker. Default: `portico:<database>`.
   */
  PORTICO_REDIS_PREFIX: ZRedisPrefix.optional().or(z.literal('').transform(() => undefined)),
  /** The analytics queue's BullMQ prefix, when the gateways and workers override it. */
  PORTICO_QUEUE_PREFIX: z.string().min(1).optional(),
  /** The gateways' shed bounds (same variables), so the console can say when they shed. */
  ...analyticsShedEnv,
  PORTICO_CONTROL_PORT: ZPort.default(4000),
  PORTICO_CONTROL_HOST: z.string().min(1).default('0.0.0.0'),
  PORTICO_SECRET_KEY: z
    .string({ error: 'is required: 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`' })
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`',
    ),
  PORTICO_SESSION_SECRET: z
    .string({ error: 'is required: at least 32 characters, e.g. `openssl rand -base64 48`' })
    .min(32, 'must be at least 32 characters, e.g. `openssl rand -base64 48`'),
  PORTICO_BOOTSTRAP_TOKEN: z
    .string()
    .refine(
      (v) => v === '' || isWellFormedSecret('bootstrap', v),
      'must be a well-formed pat_ token; make one with `npm run bootstrap-token --workspace apps/control`',
    )
    .transform((v) => (v === '' ? undefined : v))
    .optional(),
  /** Origins (scheme://host[:port]) allowed to send mutations besides the control's own. */
  PORTICO_CONSOLE_ORIGINS: originList('http://localhost:3000,http://127.0.0.1:3000'),
  /**
   * Origins of the developer portal allowed to send mutations (same rules as the console's).
   * Defaults to the portal's development address.
   */
  PORTICO_PORTAL_ORIGINS: originList('http://localhost:3001,http://127.0.0.1:3001'),
  /** The portal's public URL: mailed links and the machine-readable catalogue point at it. */
  PORTICO_PORTAL_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL, e.g. https://developer.example.com',
    })
    .default('http://localhost:3001')
    .transform((u) => u.replace(/\/+$/, '')),
  /**
   * SMTP server for the portal's mail (nodemailer URL: smtp://user:pass@host:587, smtps://…).
   * Unset: each mail, link included, is written to the control plane's log instead (development).
   */
  PORTICO_SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The From header of the portal's mail. */
  PORTICO_MAIL_FROM: z.string().min(3).default('Portico <no-reply@portico.local>'),
  /**
   * Addresses (IPs or CIDRs) of proxies whose X-Forwarded-For is believed, above all the
   * console, which forwards every /trpc call: without it every sign-in would come from the
   * console's address and the per-IP sign-in throttle would lock everyone out together.
   */
  PORTICO_CONTROL_TRUSTED_PROXIES: z
    .string()
    .default('127.0.0.1,::1')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p.length > 0),
    ),
  /** Marks the session cookies Secure: set it whenever the console or the portal is served over HTTPS. */
  PORTICO_COOKIE_SECURE: ZBoolean.default(false),
  PORTICO_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});
export type ControlEnv = z.infer<typeof ZControlEnv>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses the environment once at boot; the error names each bad variable and what it must be. */
export function loadControlEnv(
  source: Record<string, string | undefined> = process.env,
): ControlEnv {
  const parsed = ZControlEnv.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(env)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
