import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  databaseExists,
  dropStaleTestDatabases,
  newTestDatabaseName,
  type TestDatabase,
  withClient,
} from './testing';

const ADMIN_URL =
  process.env.PORTICO_TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(ADMIN_URL, run);
}

function runPrisma(args: string[], databaseUrl: string) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.resolve('prisma/build/index.js')), ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function newUser(id: string) {
  return {
    id,
    email: `${id}@example.test`,
    name: 'Test User',
    passwordHash: 'not-a-real-hash',
    kind: 'operator' as const,
    role: 'owner' as const,
  };
}

describe('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(created.map((database) => database.drop()));
  });

  it('gives concurrent callers separate migrated databases whose rows do not leak into each other', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    created.push(a, b);

    expect(a.name).not.toBe(b.name);
    expect(a.name).toMatch(/^portico_test_/);
    expect(a.url.endsWith(`/${a.name}`)).toBe(true);

    await a.db.user.create({ data: newUser('usr_only_in_a') });

    expect(await a.db.user.findUnique({ where: { id: 'usr_only_in_a' } })).not.toBeNull();
    expect(await b.db.user.count()).toBe(0);
  });

  it('records the migrations so that prisma migrate status reports the database up to date', async () => {
    const database = await createTestDatabase();
    created.push(database);

    const status = await runPrisma(
      ['migrate', 'status', '--config', 'prisma.config.ts'],
      database.url,
    );

    expect(status.output).toContain('Database schema is up to date!');
    expect(status.code).toBe(0);
  }, 90_000);

  it('drop() removes the database even while another session is connected', async () => {
    const database = await createTestDatabase();
    const outsider = new pg.Client({ connectionString: database.url });
    await outsider.connect();
    // The forced drop terminates this session; swallow the resulting connection error.
    outsider.on('error', () => {});

    expect(await admin((c) => databaseExists(c, database.name))).toBe(true);
    await database.drop();

    expect(await admin((c) => databaseExists(c, database.name))).toBe(false);
    await outsider.end().catch(() => {});
  });
});

describe('dropStaleTestDatabases', () => {
  it('drops test databases older than the cutoff and keeps recent ones', async () => {
    const twoHoursAgo = Date.now() - 2 * 60 * 60_000;
    const stale = newTestDatabaseName(twoHoursAgo);
    await admin((c) => c.query(`CREATE DATABASE "${stale}"`));
    const fresh = await createTestDatabase();

    try {
      // Templates stay: other suites on this server may be copying them right now.
      const dropped = await dropStaleTestDatabases(60, { oldTemplates: false });

      expect(dropped).toContain(stale);
      expect(dropped).not.toContain(fresh.name);
      expect(await admin((c) => databaseExists(c, stale))).toBe(false);
      expect(await admin((c) => databaseExists(c, fresh.name))).toBe(true);
    } finally {
      await fresh.drop();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${stale}"`));
    }
  });

  it('rejects a negative age instead of dropping every test database', async () => {
    await expect(dropStaleTestDatabases(-1)).rejects.toThrow(/non-negative/);
  });
});
