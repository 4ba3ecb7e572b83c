#!/usr/bin/env node
/**
 * Fails (exit 1) when prisma/schema.prisma and the committed migrations disagree, i.e. someone
 * changed the data model without `npm run db:migrate:dev -- --name <what>`, or edited a migration.
 *
 *   npm run db:check [-- --schema <file> --migrations <dir>]   (defaults: the repository's)
 *
 * `prisma migrate diff --from-migrations` replays the migrations into a shadow database, so it
 * needs a PostgreSQL server it may create databases on: a temporary database is made for the
 * run (server from PORTICO_TEST_DATABASE_ADMIN_URL, default postgres@127.0.0.1:5432) and dropped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRISMA_CLI = fileURLToPath(
  new URL('build/index.js', import.meta.resolve('prisma/package.json')),
);
const ADMIN_URL =
  process.env.PORTICO_TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const { values: paths } = parseArgs({
  options: {
    schema: { type: 'string', default: 'prisma/schema.prisma' },
    migrations: { type: 'string', default: 'prisma/migrations' },
  },
});

// `migrate diff --exit-code` answers 0 for "no difference", 2 for "difference", 1 for errors.
const DIFF_EMPTY = 0;
const DIFF_FOUND = 2;

function runPrisma(args, databaseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRISMA_CLI, ...args, '--config', 'prisma.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function withAdmin(run) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function fail(message) {
  process.stderr.write(`db:check: ${message}\n`);
  process.exitCode = 1;
}

async function main() {
  const database = `portico_migcheck_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${database}"`));
  try {
    // A broken or missing schema engine makes `migrate diff` print nothing and exit 0, which would
    // read as "in sync". Prove the engine works first: the schema against nothing must differ.
    const canary = await runPrisma(
      ['migrate', 'diff', '--from-empty', '--to-schema', paths.schema, '--script', '--exit-code'],
      url.toString(),
    );
    if (canary.code !== DIFF_FOUND || !canary.stdout.includes('CREATE TABLE')) {
      return fail(
        `the Prisma schema engine is not working, so nothing can be checked (self-test exit code ${canary.code}).\n${canary.stderr}${canary.stdout}`,
      );
    }

    const diff = await runPrisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        paths.migrations,
        '--to-schema',
        paths.schema,
        '--script',
        '--exit-code',
      ],
      url.toString(),
    );
    if (diff.code === DIFF_EMPTY) {
      process.stdout.write(`db:check: ${paths.schema} and ${paths.migrations} agree.\n`);
      return;
    }
    if (diff.code === DIFF_FOUND) {
      return fail(
        `${paths.schema} and ${paths.migrations} disagree. Applying every migration does not ` +
          'produce the schema; the missing change is:\n\n' +
          `${diff.stdout.trim()}\n\n` +
          'Create a migration for the schema change (and commit it with the schema):\n' +
          '  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<your scratch db> npm run db:migrate:dev -- --name <what-changed>\n' +
          'or, if a committed migration was edited, restore it and add a new one instead.',
      );
    }
    return fail(
      `prisma migrate diff failed (exit code ${diff.code}); a migration may not apply cleanly:\n${diff.stderr}${diff.stdout}`,
    );
  } finally {
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  }
}

await main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
