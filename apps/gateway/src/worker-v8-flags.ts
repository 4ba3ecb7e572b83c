/**
 * The V8 flags each cluster worker starts with, chosen once in the primary.
 *
 * Garbage collection: V8 scavenges the young generation with helper threads by default. A
 * cluster with a worker per core already keeps every core busy under load, so those helpers
 * compete with the workers' own main threads and a scavenge waits for a helper the scheduler
 * has not run yet: the pause grows, and every request in flight waits for it. With one GC
 * thread per worker the pause is the worker's own work only. `auto` chooses that when the
 * workers are at least as many as the cores; a gateway given spare cores keeps parallel GC.
 */
export type GcThreads = 'auto' | 'single' | 'parallel';

export interface WorkerV8Settings {
  /** Young-generation semi-space per worker in MB; 0 keeps V8's default. */
  readonly semiSpaceMb: number;
  readonly gcThreads: GcThreads;
  readonly workers: number;
  readonly cores: number;
}

/** Flags to add to the primary's own `execArgv`; a flag the operator already set wins. */
export function workerV8Flags(settings: WorkerV8Settings, execArgv: readonly string[]): string[] {
  const flags: string[] = [];
  const has = (name: string) => execArgv.some((arg) => arg.startsWith(name));
  if (settings.semiSpaceMb > 0 && !has('--max-semi-space-size'))
    flags.push(`--max-semi-space-size=${settings.semiSpaceMb}`);
  const single =
    settings.gcThreads === 'single' ||
    (settings.gcThreads === 'auto' && settings.workers >= settings.cores);
  if (single && !has('--single-threaded-gc')) flags.push('--single-threaded-gc');
  return flags;
}
