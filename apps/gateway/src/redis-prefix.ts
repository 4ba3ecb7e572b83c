import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_REDIS_PREFIX, ZRedisPrefix } from '@portico/config';
import { request } from 'undici';
import { z } from 'zod';

const DEPLOYMENT_FILE = 'deployment.json';
const ZDeployment = z.object({ redisPrefix: ZRedisPrefix });

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
 */
export async function resolveRedisPrefix(options: {
  configured: string | undefined;
  controlUrl: string;
  token: string;
  stateDir: string;
  timeoutMs?: number;
}): Promise<ResolvedRedisPrefix> {
  if (options.configured !== undefined) return { prefix: options.configured, source: 'env' };
  const file = join(options.stateDir, DEPLOYMENT_FILE);
  try {
    const res = await request(`${options.controlUrl}/dp/v1/deployment`, {
      headers: { authorization: `Bearer ${options.token}` },
      headersTimeout: options.timeoutMs ?? 2_000,
      bodyTimeout: options.timeoutMs ?? 2_000,
    });
    const body: unknown = await res.body.json().catch(() => null);
    const parsed = res.statusCode === 200 ? ZDeployment.safeParse(body) : null;
    if (parsed?.success) {
      await saveDeployment(options.stateDir, file, parsed.data.redisPrefix);
      return { prefix: parsed.data.redisPrefix, source: 'control' };
    }
  } catch {
    // The control plane is not reachable: the saved prefix, or the default, below.
  }
  try {
    const saved = ZDeployment.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (saved.success) return { prefix: saved.data.redisPrefix, source: 'saved' };
  } catch {
    // No saved prefix yet.
  }
  return { prefix: DEFAULT_REDIS_PREFIX, source: 'default' };
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
