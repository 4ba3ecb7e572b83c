import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

/** PING over a raw socket: true on +PONG (no client library, so nothing retries behind our back). */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      resolve(false);
      socket.destroy();
    });
  });
}

/**
 * A redis-server of the test's own on a free loopback port, without persistence: a test can stop,
 * pause or restart it, and processes using the default key prefix never touch the shared Redis
 * other people's tests use. With `cluster: true` it runs in cluster mode with its node file in a
 * temporary folder; it owns no slots until the caller assigns them (CLUSTER ADDSLOTSRANGE 0 16383).
 */
export class RedisServer {
  private process: ChildProcess | null = null;
  private clusterDir: string | null = null;

  private constructor(
    readonly port: number,
    private readonly cluster: boolean,
  ) {}

  static async start(options: { cluster?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options.cluster === true);
    await server.start();
    return server;
  }

  /** Reserves a port without starting Redis on it (for "Redis absent at boot" tests). */
  static async reserve(): Promise<RedisServer> {
    return new RedisServer(await freePort(), false);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port; a restarted server starts empty. */
  async start(): Promise<void> {
    if (this.process) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    args.push('--appendonly', 'no');
    if (this.cluster) {
      this.clusterDir ??= await mkdtemp(join(tmpdir(), 'portico-redis-cluster-'));
      args.push('--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1');
      args.push('--dir', this.clusterDir, '--cluster-config-file', 'nodes.conf');
    }
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.process = child;
    try {
      await waitFor(
        `redis-server on port ${this.port} to answer PING`,
        () => {
          if (child.exitCode !== null)
            throw new Error(`redis-server exited with ${child.exitCode}`);
          return answersPing(this.port);
        },
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGSTOP: connections stay up but nothing answers (a hung server). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Kills the server (as a crash would) and waits for it to exit. Safe to call twice. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    if (this.clusterDir !== null) {
      await rm(this.clusterDir, { recursive: true, force: true });
      this.clusterDir = null;
    }
  }
}

/** Starts a private redis-server; see `RedisServer`. */
export function startRedisServer(options: { cluster?: boolean } = {}): Promise<RedisServer> {
  return RedisServer.start(options);
}
