import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private redis-server on a loopback port, for tests that stop, pause or kill their Redis. */
export interface RedisServerProcess {
  port: number;
  /** SIGSTOP: the connection stays up but nothing answers (a hung server). */
  pause(): void;
  resume(): void;
  /** Stops the server and waits for the process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

async function waitForReady(child: ChildProcess, deadlineMs: number): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server not ready in ${deadlineMs} ms:\n${output}`)),
      deadlineMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Starts redis-server without persistence on a free loopback port (`--port 0` disables TCP in
 * Redis, so a free port is picked first; a lost race with another process shows as a start error).
 * With `cluster: true` it runs in cluster mode with its node file in a temporary directory; it
 * owns no slots until the caller assigns them (CLUSTER ADDSLOTSRANGE 0 16383).
 */
export async function startRedisServer(
  options: { cluster?: boolean } = {},
): Promise<RedisServerProcess> {
  const port = await freeLoopbackPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const clusterDir =
    options.cluster === true ? await mkdtemp(join(tmpdir(), 'portico-redis-cluster-')) : null;
  if (clusterDir !== null) {
    args.push(
      '--cluster-enabled',
      'yes',
      '--cluster-announce-ip',
      '127.0.0.1',
      '--dir',
      clusterDir,
    );
    args.push('--cluster-config-file', join(clusterDir, 'nodes.conf'));
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitForReady(child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    if (clusterDir !== null) await rm(clusterDir, { recursive: true, force: true });
    throw error;
  }
  const exited = once(child, 'exit');
  let stopped = false;
  return {
    port,
    pause: () => {
      child.kill('SIGSTOP');
    },
    resume: () => {
      child.kill('SIGCONT');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // A paused process would hold SIGTERM until continued.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      if (clusterDir !== null) await rm(clusterDir, { recursive: true, force: true });
    },
  };
}
