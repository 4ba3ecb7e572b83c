import { describe, expect, it } from 'vitest';
import { workerV8Flags } from './worker-v8-flags';

const base = { semiSpaceMb: 32, gcThreads: 'auto', workers: 2, cores: 2 } as const;

describe('the V8 flags of cluster workers', () => {
  it('scavenges on the worker thread, and keeps concurrent marking, when the workers fill every core', () => {
    expect(workerV8Flags(base, [])).toEqual(['--max-semi-space-size=32', '--no-parallel-scavenge']);
  });

  it("keeps V8's parallel collection when the gateway leaves cores spare", () => {
    expect(workerV8Flags({ ...base, workers: 2, cores: 4 }, [])).toEqual([
      '--max-semi-space-size=32',
    ]);
  });

  it('follows an explicit choice whatever the core count', () => {
    expect(workerV8Flags({ ...base, gcThreads: 'parallel' }, [])).toEqual([
      '--max-semi-space-size=32',
    ]);
    expect(workerV8Flags({ ...base, gcThreads: 'single', cores: 64 }, [])).toEqual([
      '--max-semi-space-size=32',
      '--single-threaded-gc',
    ]);
    expect(workerV8Flags({ ...base, gcThreads: 'serial-scavenge', cores: 64 }, [])).toEqual([
      '--max-semi-space-size=32',
      '--no-parallel-scavenge',
    ]);
  });

  it('leaves a flag the operator already passed to node alone', () => {
    expect(workerV8Flags(base, ['--max-semi-space-size=8', '--single-threaded-gc'])).toEqual([]);
    expect(workerV8Flags(base, ['--parallel-scavenge'])).toEqual(['--max-semi-space-size=32']);
    expect(workerV8Flags({ ...base, semiSpaceMb: 0 }, [])).toEqual(['--no-parallel-scavenge']);
  });
});
