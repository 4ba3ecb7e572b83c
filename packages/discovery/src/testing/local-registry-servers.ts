import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@portico/testkit';

/**
 * Starts real registry servers (etcd, ZooKeeper, dnsmasq from Debian packages) on free loopback
 * ports with data in a temporary folder, for the discovery integration tests.
 */

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Loud skip message: these tests need `apt-get install -y etcd-server zookeeper dnsmasq-base`. */
export function warnMissing(name: string, pkg: string): void {
  console.warn(
    `\n!!! SKIPPING ${name} discovery tests: the ${name} binary is not installed.\n!!! Install it with: apt-get install -y ${pkg}\n`,
  );
}

/** Whether the `binary` a test file needs is installed; when it is not, says loudly what to install. */
export function installedOrWarn(binary: string, pkg: string): boolean {
  const installed = hasBinary(binary);
  if (!installed) warnMissing(binary, pkg);
  return installed;
}

/** A managed child process that can be stopped (killed) and started again with the same args. */
export class LocalServer {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly ready: () => Promise<boolean>,
    private readonly readyTimeoutMs: number,
    private readonly cleanupDir: string | null,
  ) {}

  async start(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // A test worker that dies mid-run must not leave registries running on the machine.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    try {
      await waitFor(
        `${this.name} to become ready`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(`${this.name} exited early:\n${this.output}`);
          return this.ready();
        },
        { timeoutMs: this.readyTimeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGKILL, like a crashed registry; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.cleanupDir) await rm(this.cleanupDir, { recursive: true, force: true });
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

export async function createEtcd(): Promise<{ server: LocalServer; url: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-etcd-'));
  const port = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new LocalServer(
    'etcd',
    'etcd',
    [
      '--name',
      'test',
      '--data-dir',
      join(dir, 'data'),
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-cluster',
      `test=http://127.0.0.1:${peerPort}`,
      '--log-level',
      'error',
    ],
    () => httpOk(`${url}/version`),
    20_000,
    dir,
  );
  return { server, url };
}

/** Sends a ZooKeeper four-letter command and returns the answer. */
async function fourLetter(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    socket.setTimeout(500);
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('close', () => resolve(data));
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(''));
    socket.connect(port, '127.0.0.1', () => socket.write(command));
  });
}

export async function createZookeeper(): Promise<{ server: LocalServer; connectString: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-zk-'));
  const port = await freePort();
  const config = [
    'tickTime=500',
    `dataDir=${join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=srvr,ruok',
    'maxSessionTimeout=60000',
    'minSessionTimeout=1000',
  ].join('\n');
  const configPath = join(dir, 'zoo.cfg');
  await writeFile(configPath, `${config}\n`);
  const server = new LocalServer(
    'zookeeper',
    'java',
    [
      '-Xmx128m',
      '-Dzookeeper.log.threshold=ERROR',
      '-cp',
      '/usr/share/java/*:/etc/zookeeper/conf',
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      configPath,
    ],
    async () => (await fourLetter(port, 'srvr')).includes('Mode'),
    40_000,
    dir,
  );
  return { server, connectString: `127.0.0.1:${port}` };
}

export function hasZookeeper(): boolean {
  return (
    hasBinary('java') && spawnSync('sh', ['-c', 'ls /usr/share/java/zookeeper*.jar']).status === 0
  );
}

const READY_RECORD = 'host-record=ready.portico.test,127.0.0.1';

export async function createDnsmasq(
  records: string[],
): Promise<{ server: LocalServer; port: number; setRecords(next: string[]): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-dns-'));
  const port = await freePort();
  const configPath = join(dir, 'dnsmasq.conf');
  await writeFile(configPath, `${[READY_RECORD, ...records].join('\n')}\n`);
  const server = new LocalServer(
    'dnsmasq',
    'dnsmasq',
    [
      '--no-daemon',
      '--port',
      String(port),
      '--listen-address',
      '127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--local-ttl=1',
      `--conf-file=${configPath}`,
      `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    ],
    async () => {
      const { Resolver } = await import('node:dns/promises');
      const resolver = new Resolver({ timeout: 300, tries: 1 });
      resolver.setServers([`127.0.0.1:${port}`]);
      try {
        await resolver.resolve4('ready.portico.test');
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    dir,
  );
  return {
    server,
    port,
    async setRecords(next: string[]) {
      // dnsmasq reads these options only at start: rewrite and restart on the same port.
      await writeFile(configPath, `${[READY_RECORD, ...next].join('\n')}\n`);
      await server.stop();
      await server.start();
    },
  };
}
