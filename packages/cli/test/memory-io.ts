import type { CliDeps, CliIo, Connection, PorticoClient } from '../src/index';
import { parseCliEnv } from '../src/index';

export interface MemoryRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Connections the CLI tried to open: empty proves the server was never contacted. */
  connections: Connection[];
}

/**
 * Runs the CLI in-process with files held in memory and a connect() that records the attempt
 * and refuses, so unit tests prove which inputs are rejected before any request is made.
 */
export async function runInMemory(
  argv: string[],
  files: Record<string, string> = {},
  env: Record<string, string> = { PORTICO_TOKEN: 'pat_test' },
): Promise<MemoryRun> {
  const { runCli } = await import('../src/index');
  let stdout = '';
  let stderr = '';
  const connections: Connection[] = [];
  const io: CliIo = {
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
    stdoutIsTty: false,
    readText: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    readBytes: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return Buffer.from(text);
    },
    writeText: async (path, text) => {
      files[path] = text;
    },
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const deps: CliDeps = {
    io,
    loadEnv: () => parseCliEnv(env),
    readVariable: (name) => env[name],
    connect: (connection): PorticoClient => {
      connections.push(connection);
      throw new Error('unit tests never reach a server');
    },
  };
  const exitCode = await runCli(argv, deps);
  return { exitCode, stdout, stderr, connections };
}
