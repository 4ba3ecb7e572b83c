/**
 * The V8 flags each cluster worker starts with, chosen once in the primary.
 *
 * Garbage collection. Young-generation scavenges come every hundred milliseconds or so under
 * load and last a millisecond or two; V8 runs them with helper threads by default. A cluster
 * with a worker per core already keeps every core busy, so a scavenge waits for helpers the
 * scheduler has not run yet and every request in flight waits with it: there the worker
 * scavenges on its own thread (`serial-scavenge`). The old generation is another matter: marked
 * and compacted on the worker's thread alone (`single`, V8's --single-threaded-gc), one
 * mark-compact of a loaded worker stalled it for 80-180 ms on a 2-core machine, against 10-45 ms
 * with V8's concurrent marking and parallel compaction, which `serial-scavenge` keeps. `auto`
 * is `serial-scavenge` when the workers are at least as many as the cores, and V8's defaults
 * (`parallel`) when the gateway has spare cores.
 */
export type GcThreads = 'auto' | 'serial-scavenge' | 'single' | 'parallel';

export interface WorkerV8Settings {
  /** Young-generation semi-space per worker in MB; 0 keeps V8's default. */
  readonly semiSpaceMb: number;
  readonly gcThreads: GcThreads;
  readonly workers: number;
  readonly cores: number;
}

/** The flags a GC choice adds, before any the operator passed to node. */
function gcFlags(settings: WorkerV8Settings): string[] {
  const mode =
    settings.gcThreads === 'auto'
      ? settings.workers >= settings.cores
        ? 'serial-scavenge'
        : 'parallel'
      : settings.gcThreads;
  if (mode === 'single') return ['--single-threaded-gc'];
  if (mode === 'serial-scavenge') return ['--no-parallel-scavenge'];
  return [];
}

/** Flags to add to the primary's own `execArgv`; a flag the operator already set wins. */
export function workerV8Flags(settings: WorkerV8Settings, execArgv: readonly string[]): string[] {
  const flags: string[] = [];
  const has = (name: string) => execArgv.some((arg) => arg.startsWith(name));
  if (settings.semiSpaceMb > 0 && !has('--max-semi-space-size'))
    flags.push(`--max-semi-space-size=${settings.semiSpaceMb}`);
  // Any GC threading flag of the operator's own replaces our choice as a whole.
  const operatorChoseGc = [
    '--single-threaded-gc',
    '--parallel-scavenge',
    '--no-parallel-scavenge',
  ].some(has);
  if (!operatorChoseGc) flags.push(...gcFlags(settings));
  return flags;
}
