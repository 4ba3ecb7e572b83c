import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const E2E_ROOT = new URL('..', import.meta.url).pathname;
export const REPO_ROOT = new URL('../..', import.meta.url).pathname;
export const RESULTS_DIR = join(E2E_ROOT, 'test-results');
const LOG_DIR = join(RESULTS_DIR, 'logs');

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts one part of the stack with its output in test-results/logs/<name>.log, so a failed run
 * can be read afterwards. `stop` sends SIGTERM, then SIGKILL if it has not exited in 10 s.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): RunningProcess {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = once(child, 'exit');
  return {
    name,
    child,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** Runs a command to completion; rejects with the log's path when it fails. */
export async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): Promise<void> {
  const running = startProcess(name, command, args, options);
  const [code] = (await once(running.child, 'exit')) as [number | null];
  await running.stop();
  if (code !== 0) throw new Error(`${name} exited with ${code}; see ${running.logFile}`);
}

/** Fails fast with the log's path when a long-running part exits during start-up. */
export function assertRunning(running: RunningProcess): void {
  if (running.child.exitCode !== null) {
    throw new Error(
      `${running.name} exited with ${running.child.exitCode}; see ${running.logFile}`,
    );
  }
}
