import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'restore-marker-seen';

/**
 * Whether a gateway on this state folder has seen the deployment's restore marker before (the
 * file names the Redis prefix it was seen under). A limiter process learns that Redis holds
 * whole counters only from the marker, so a gateway restarted after Redis lost its data would
 * otherwise count from zero until the worker restored them; remembered here, it requires the
 * marker from its first request. A deployment whose worker never wrote one (no worker) is not
 * affected: the file only exists once a marker was seen.
 */
export function restoreMarkerSeenBefore(stateDir: string, redisPrefix: string): boolean {
  const file = join(stateDir, FILE);
  if (!existsSync(file)) return false;
  try {
    return readFileSync(file, 'utf8').trim() === redisPrefix;
  } catch {
    return false;
  }
}

/** Remembers that the marker was seen under `redisPrefix`; a failed write only loses the memory. */
export async function rememberRestoreMarker(stateDir: string, redisPrefix: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, FILE), `${redisPrefix}\n`);
  } catch {
    // The state folder is not writable: the gateway works as before, without the memory.
  }
}
