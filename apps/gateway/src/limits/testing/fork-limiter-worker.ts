import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerJob, WorkerMessage, WorkerTally } from './limiter-worker.js';

const WORKER_PATH = fileURLToPath(new URL('./limiter-worker.ts', import.meta.url));

/** A forked limiter process (TypeScript through tsx), ready to start on `go()`. */
export interface ForkedWorker {
  go(): void;
  result: Promise<WorkerTally>;
  kill(): void;
}

/** Forks one worker and resolves once it is connected to Redis and waiting for 'go'. */
export async function forkLimiterWorker(job: WorkerJob): Promise<ForkedWorker> {
  const child: ChildProcess = fork(WORKER_PATH, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onDone: (tally: WorkerTally) => void = () => {};
  let onFail: (error: Error) => void = () => {};
  const result = new Promise<WorkerTally>((resolve, reject) => {
    onDone = resolve;
    onFail = reject;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve();
      else onDone(message.tally);
    });
    child.once('exit', (code) => {
      const error = new Error(`limiter worker exited with code ${code}`);
      reject(error);
      onFail(error);
    });
  });
  child.send(job);
  await ready;
  return {
    go: () => child.send('go'),
    result,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
