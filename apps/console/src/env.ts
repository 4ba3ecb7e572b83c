import { z } from 'zod';

/**
 * The only place the console reads process.env. Read on the server side (next.config.ts), never
 * shipped to the browser: the browser always talks to its own origin and Next proxies /trpc.
 */
const ZConsoleEnv = z.object({
  PORTICO_CONTROL_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the control plane' })
    .default('http://127.0.0.1:4000')
    .transform((url) => url.replace(/\/+$/, '')),
  /** The developer portal's public URL: where /portal and developers signing in here are sent. */
  PORTICO_PORTAL_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the developer portal' })
    .default('http://localhost:3001')
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * "true" skips `next build`'s own type check. The end-to-end harness sets it because it builds
   * for a throwaway stack and `tsc -p apps/console` is run as its own step.
   */
  PORTICO_CONSOLE_SKIP_TYPECHECK: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((v) => v === 'true'),
});
export type ConsoleEnv = z.infer<typeof ZConsoleEnv>;

/** Parses the environment once; the error names each bad variable. */
export function loadConsoleEnv(
  source: Record<string, string | undefined> = process.env,
): ConsoleEnv {
  const parsed = ZConsoleEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid console environment:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
