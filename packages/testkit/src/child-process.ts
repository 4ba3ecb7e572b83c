import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the repository is, for starting an app by the path of its entry. */
export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

export interface ProcessOptions {
  cwd: string;
  /** The whole environment unless `inheritEnv`; PATH is always passed on. */
  env: Record<string, string>;
  /** Start from this process's environment (overridden by `env`). */
  inheritEnv?: boolean;
  /** Also write the output to this file, so a failed run can be read afterwards. */
  logFile?: string;
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the process printed so far, to explain a failing test. */
  output(): string;
  /** Throws, naming the process and its output, once it has exited. */
  assertRunning(): void;
  /** SIGTERM, then SIGKILL if it has not exited in 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a part of the stack as a child process with its output kept (and logged if asked). */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: ProcessOptions,
): RunningProcess {
  const base = options.inheritEnv ? process.env : { PATH: process.env.PATH ?? '' };
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...base, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
  }
  // A command that cannot be spawned emits 'error' and never 'exit'.
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      output += `${error.message}\n`;
      resolve(null);
    });
  });
  return {
    name,
    child,
    exited,
    output: () => output,
    assertRunning() {
      if (child.exitCode === null && child.signalCode === null) return;
      const log = options.logFile ? `; see ${options.logFile}` : `:\n${output}`;
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}${log}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The exit code of a process told to stop, within `timeoutMs`: a process that hangs on its way
 * out fails the test naming the process and the end of its output (and is killed), instead of
 * the test timing out with nothing to go on.
 */
export async function exitWithin(
  running: RunningProcess,
  timeoutMs: number,
): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const outcome = await Promise.race([running.exited, late]);
  clearTimeout(timer);
  if (outcome !== 'late') return outcome;
  running.child.kill('SIGKILL');
  throw new Error(
    `${running.name} did not exit within ${timeoutMs} ms; its last output:\n${running.output().slice(-4_000)}`,
  );
}

/** Runs a command to completion; rejects naming its log (or output) when it fails. */
export async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: ProcessOptions,
): Promise<void> {
  const running = startProcess(name, command, args, options);
  const code = await running.exited;
  if (code !== 0) {
    const log = options.logFile ? `; see ${options.logFile}` : `:\n${running.output()}`;
    throw new Error(`${name} exited with ${code}${log}`);
  }
}
