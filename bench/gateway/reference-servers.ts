/**
 * The reference servers the gateway is measured against: Debian's nginx (also the static upstream
 * every bench proxies to), Caddy, HAProxy, and bare Fastify with @fastify/http-proxy.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchRun, ROOT, waitForStatus } from './bench-run';

/** Counts `child` as the run's (stopped with it) and waits until it serves on `port`. */
async function serving(run: BenchRun, child: ChildProcess, port: number): Promise<void> {
  run.children.push(child);
  await waitForStatus(`http://127.0.0.1:${port}/`, 200);
}

/** Installs nginx and wrk from Debian packages when either is missing. */
export function ensureTools(): void {
  const missing = ['nginx', 'wrk', 'caddy', 'haproxy'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    console.log(`installing ${missing.join(', ')} from Debian packages`);
    execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
}

/** One nginx: a static upstream server and a proxy_pass server in front of it. */
export async function startNginx(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; workerProcesses: number },
): Promise<void> {
  const { upstreamPort, proxyPort } = options;
  const dir = join(run.work, 'nginx');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = `
worker_processes ${options.workerProcesses};
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${upstreamPort};
    location / { default_type application/json; return 200 '{"ok":true,"service":"bench-upstream"}'; }
  }
  server {
    listen 127.0.0.1:${proxyPort};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await serving(run, child, upstreamPort);
  await waitForStatus(`http://127.0.0.1:${proxyPort}/`, 200);
}

/** Starts Debian's Caddy with a bare `reverse_proxy` to the upstream (a reference). */
export async function startCaddy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number },
): Promise<void> {
  const dir = join(run.work, 'caddy');
  mkdirSync(dir, { recursive: true });
  // No admin endpoint and no automatic HTTPS: one plain-HTTP site on loopback.
  const conf = `{
	admin off
	auto_https off
}
http://127.0.0.1:${options.proxyPort} {
	reverse_proxy 127.0.0.1:${options.upstreamPort}
}
`;
  writeFileSync(join(dir, 'Caddyfile'), conf);
  const child = spawn(
    'caddy',
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  await serving(run, child, options.proxyPort);
}

/** Starts Debian's HAProxy in HTTP mode with keep-alive to the upstream (a reference). */
export async function startHaproxy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; threads: number },
): Promise<void> {
  const dir = join(run.work, 'haproxy');
  mkdirSync(dir, { recursive: true });
  const conf = `global
  nbthread ${options.threads}
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend bench
  bind 127.0.0.1:${options.proxyPort}
  default_backend app
backend app
  server up 127.0.0.1:${options.upstreamPort}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), conf);
  const child = spawn('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await serving(run, child, options.proxyPort);
}

/** Starts bare Fastify + @fastify/http-proxy (the Node reference) in front of the upstream. */
export async function startFastifyProxy(
  run: BenchRun,
  options: { upstreamPort: number; proxyPort: number; workers: number },
): Promise<void> {
  const script = join(ROOT, 'bench/gateway/fastify-proxy-reference.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      script,
      String(options.proxyPort),
      String(options.upstreamPort),
      String(options.workers),
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await serving(run, child, options.proxyPort);
}
