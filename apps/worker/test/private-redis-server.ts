import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

/**
 * A redis-server of the test's own on a free loopback port, for tests that run processes using
 * the default queue prefix: they must never share the Redis other people's tests use.
 */
export class PrivateRedisServer {
  private process: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await freePort());
    await server.start();
    return server;
  }

  /** Starts (again) on the same port; without persistence, a restarted server starts empty. */
  async start(): Promise<void> {
    if (this.process) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const client = new Redis({ port: this.port, lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      const ok = await client
        .connect()
        .then(() => client.ping())
        .then((pong) => pong === 'PONG')
        .catch(() => false);
      client.disconnect();
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}
