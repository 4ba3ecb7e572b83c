#!/usr/bin/env node
// One-shot installer for container deployments (docker compose's `init` service):
// 1. generates the installation's secrets once into --secrets-file (shell `KEY=value` lines);
// 2. applies the committed migrations to DATABASE_URL;
// 3. ensures the bootstrap owner and the data-plane / registry tokens exist (prisma/seed.ts).
// Re-running changes nothing. The owner's token is printed so `docker compose logs init` shows it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { 'secrets-file': { type: 'string' } } });
const secretsFile = values['secrets-file'];
if (!secretsFile) {
  console.error('usage: init-install.mjs --secrets-file /path/portico.env');
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error('init: DATABASE_URL is not set');
  process.exit(2);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function token(prefix) {
  // Same shape as @portico/keys secrets; the tsx step below re-checks them where it matters.
  const out = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('@portico/keys').then(k => process.stdout.write(k.generateSecret(${JSON.stringify(prefix)}).clear))`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (out.status !== 0) {
    console.error(out.stderr);
    process.exit(1);
  }
  return out.stdout.trim();
}

if (!existsSync(secretsFile)) {
  mkdirSync(dirname(secretsFile), { recursive: true });
  const lines = [
    `PORTICO_SECRET_KEY=${randomBytes(32).toString('hex')}`,
    `PORTICO_SESSION_SECRET=${randomBytes(32).toString('base64url')}`,
    `PORTICO_BOOTSTRAP_TOKEN=${token('personalToken')}`,
    `PORTICO_DP_TOKEN=${token('dataPlaneToken')}`,
    `PORTICO_REGISTRY_TOKEN=${token('registryToken')}`,
  ];
  writeFileSync(secretsFile, `${lines.map((l) => `export ${l}`).join('\n')}\n`, { mode: 0o600 });
  console.log(`init: secrets generated into ${secretsFile}`);
}
const secrets = Object.fromEntries(
  readFileSync(secretsFile, 'utf8')
    .split('\n')
    .map((line) => /^export ([A-Z_]+)=(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2]]),
);
const env = { ...process.env, ...secrets };
run('npm', ['run', '--silent', 'db:migrate'], env);
run(process.execPath, ['--import', 'tsx', 'prisma/seed.ts'], env);
console.log(
  `init: owner admin@portico.local, personal access token ${secrets.PORTICO_BOOTSTRAP_TOKEN}`,
);
