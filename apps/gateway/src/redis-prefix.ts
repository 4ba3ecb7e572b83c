import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_REDIS_PREFIX, DP_DEPLOYMENT_PATH, ZDeploymentInfo } from '@portico/config';
import { request } from 'undici';

const DEPLOYMENT_FILE = 'deployment.json';

export interface ResolvedRedisPrefix {
  prefix: string;
  /** Where it came from, for the boot log. */
  source: 'env' | 'control' | 'saved' | 'default';
}

/**
 * The deployment's Redis prefix, decided once at boot (never per request): PORTICO_REDIS_PREFIX
 * when set; otherwise what the control plane answers at `/dp/v1/deployment` (it derives the
 * prefix from its database name, as the worker does), saved in the state folder; otherwise the
 * last one saved there (the control plane is down); otherwise `portico`.
 *
 * With `waitForControl` (a first boot: nothing saved, no configuration to serve either), the
 * control plane is asked again every `retryMs` until it answers, rather than settling for
 * `portico` and then queueing analytics where this deployment's workers never look.
 */
export async function resolveRedisPrefix(options: {
  configured: string | undefined;
  controlUrl: string;
  token: string;
  stateDir: string;
  timeoutMs?: number;
  waitForControl?: boolean;
  retryMs?: number;
  onWaiting?: () => void;
}): Promise<ResolvedRedisPrefix> {
  if (options.configured !== undefined) return { prefix: options.configured, source: 'env' };
  const file = join(options.stateDir, DEPLOYMENT_FILE);
  let asked = await askControl(options, file);
  if (asked !== null) return { prefix: asked, source: 'control' };
  try {
    const saved = ZDeploymentInfo.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (saved.success) return { prefix: saved.data.redisPrefix, source: 'saved' };
  } catch {
    // No saved prefix yet.
  }
  if (options.waitForControl === true) {
    options.onWaiting?.();
    while (asked === null) {
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1_000));
      asked = await askControl(options, file);
    }
    return { prefix: asked, source: 'control' };
  }
  return { prefix: DEFAULT_REDIS_PREFIX, source: 'default' };
}

/** The control plane's answer (saved for boots without it), or null when it gives none. */
async function askControl(
  options: { controlUrl: string; token: string; stateDir: string; timeoutMs?: number },
  file: string,
): Promise<string | null> {
  try {
    const res = await request(`${options.controlUrl}${DP_DEPLOYMENT_PATH}`, {
      headers: { authorization: `Bearer ${options.token}` },
      headersTimeout: options.timeoutMs ?? 2_000,
      bodyTimeout: options.timeoutMs ?? 2_000,
    });
    const body: unknown = await res.body.json().catch(() => null);
    const parsed = res.statusCode === 200 ? ZDeploymentInfo.safeParse(body) : null;
    if (parsed?.success) {
      await saveDeployment(options.stateDir, file, parsed.data.redisPrefix);
      return parsed.data.redisPrefix;
    }
  } catch {
    // The control plane is not reachable.
  }
  return null;
}

async function saveDeployment(stateDir: string, file: string, redisPrefix: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true });
    // Several workers may save at once: write aside, then rename into place.
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify({ redisPrefix }));
    await rename(temporary, file);
  } catch {
    // Best effort: the next boot asks the control plane again.
  }
}
