import { z } from 'zod';

/**
 * The only place the portal reads process.env, on the server side only: the browser talks to the
 * portal's own origin, which proxies /trpc to the control plane and Try it to the gateway.
 */
const ZPortalEnv = z.object({
  PORTICO_CONTROL_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the control plane' })
    .default('http://127.0.0.1:4000')
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * Where Try it sends requests, when the portal reaches the gateway at another address than the
   * public one developers see (e.g. http://gateway:8080 inside docker-compose). Unset: the public
   * gateway URL from the portal settings.
   */
  PORTICO_PORTAL_GATEWAY_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the gateway' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** Milliseconds Try it waits for the gateway before answering 504 itself. */
  PORTICO_PORTAL_TRY_IT_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(100)
    .max(120_000)
    .default(15_000),
  /**
   * "true" skips `next build`'s own type check. The end-to-end harness sets it because it builds
   * for a throwaway stack and `tsc -p apps/portal` is run as its own step.
   */
  PORTICO_PORTAL_SKIP_TYPECHECK: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((v) => v === 'true'),
});
export type PortalEnv = z.infer<typeof ZPortalEnv>;

let cached: PortalEnv | null = null;

/** Parses the environment once; the error names each bad variable. */
export function loadPortalEnv(source: Record<string, string | undefined> = process.env): PortalEnv {
  const parsed = ZPortalEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid portal environment:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** The process's environment, parsed on first use. */
export function portalEnv(): PortalEnv {
  cached ??= loadPortalEnv();
  return cached;
}
