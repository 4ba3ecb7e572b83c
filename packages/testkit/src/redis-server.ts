import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Sends one inline command over a raw socket and resolves with the reply's text ('' on failure). */
function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      // A bulk reply ($<length>) is complete once its length is in; anything else is one line.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if (bulk === null || reply.length >= bulk[0].length + Number(bulk[1])) {
        resolve(reply);
        socket.destroy();
      }
    });
    socket.on('error', () => resolve(''));
    socket.on('timeout', () => {
      resolve('');
      socket.destroy();
    });
  });
}

/** The pid of the redis-server answering on `port` (from INFO server); null when none answers. */
async function redisPidOn(port: number): Promise<number | null> {
  const match = /process_id:(\d+)/.exec(await rawCommand(port, 'INFO server'));
  return match ? Number(match[1]) : null;
}

/** Whether a loopback listener can take `port` now. */
async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  const listening = new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(true));
    server.once('error', () => resolve(false));
  });
  server.listen(port, '127.0.0.1');
  const ok = await listening;
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

/**
 * Ports for the test's redis-servers: below the kernel's ephemeral range (32768-60999 here),
 * where port-0 listeners (`freePort`) and outgoing connections take theirs, together with the
 * cluster bus port 10000 above. A server stopped and started again on its port, as outage tests
 * do, would otherwise find it handed meanwhile to another suite's server, and clients would talk
 * to that one: two suites running side by side failed that way, one waiting on analytics that
 * went to the other's Redis Cluster.
 */
export async function freeRedisPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 12_000);
    if ((await bindable(port)) && (await bindable(port + 10_000))) return port;
  }
  throw new Error('no free port for a redis-server between 10000 and 22000');
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
    const server = new RedisServer(await freeRedisPort(), options.cluster === true);
    await server.start();
    return server;
  }

  /** Reserves a port without starting Redis on it (for "Redis absent at boot" tests). */
  static async reserve(): Promise<RedisServer> {
    return new RedisServer(await freeRedisPort(), false);
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
      // The server answering must be this child: another one on the port would take the test's
      // traffic while this child fails to bind and exits.
      await waitFor(
        `redis-server on port ${this.port} to answer`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(
              `redis-server exited with ${child.exitCode} (port ${this.port} taken?)`,
            );
          const pid = await redisPidOn(this.port);
          if (pid !== null && pid !== child.pid)
            throw new Error(`port ${this.port} is taken by another redis-server (pid ${pid})`);
          return pid === child.pid;
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
