import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/portico.mjs', import.meta.url));
const RUN_DEADLINE_MS = 30_000;

export interface PorticoRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface PorticoRunOptions {
  url: string;
  token?: string;
  /** Working directory, where relative -f/-o paths are resolved. */
  cwd: string;
  stdin?: string;
  /** More environment variables (e.g. a credential's passwordEnv). */
  env?: Record<string, string>;
}

/** Runs the real `portico` executable (bin/portico.mjs) as a child process. */
export async function runPortico(
  args: readonly string[],
  options: PorticoRunOptions,
): Promise<PorticoRun> {
  const env: Record<string, string> = { ...options.env, PORTICO_URL: options.url };
  if (options.token !== undefined) env.PORTICO_TOKEN = options.token;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(options.stdin ?? '');
  const exitCode = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`portico ${args.join(' ')} did not finish within ${RUN_DEADLINE_MS} ms`));
    }, RUN_DEADLINE_MS);
    // 'close' rather than 'exit': it fires after stdout and stderr are fully read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  return { exitCode, stdout, stderr };
}
