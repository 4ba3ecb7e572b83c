/**
 * What the limiter tests read back: a series from `metricsText()`, and how many Lua calls a
 * private Redis server has run.
 */
import type { Redis } from 'ioredis';

/** The value of one unlabelled or fully labelled series in the limiter's metrics text. */
export function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series}`);
  return Number(line.slice(series.length + 1));
}

/** Lua calls the server has run (EVAL on a connection's first use, EVALSHA after). */
export async function scriptCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(m[1]);
  return calls;
}
