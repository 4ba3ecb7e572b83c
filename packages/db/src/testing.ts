/**
 * Fresh, fully migrated PostgreSQL databases for integration tests (`@portico/db/testing`).
 *
 * Running `prisma migrate deploy` per test file costs seconds. Instead, the committed migrations
 * are applied once into a template database named after a hash of their content
 * (`portico_tpl_<hash12>`), and every test database is a `CREATE DATABASE … TEMPLATE` copy of it,
 * which takes milliseconds. Test databases are named `portico_test_<created-at>_<random>` so CI
 * can sweep the ones a crashed run left behind (`dropStaleTestDatabases`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from './index';

const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL('../../../prisma/migrations/', import.meta.url),
);

export const TEST_DATABASE_PREFIX = 'portico_test_';
const TEMPLATE_PREFIX = 'portico_tpl_';
// A template is built under a temporary name and renamed when complete, so a crash mid-build
// never leaves a half-migrated template that later runs would trust.
const TEMPLATE_BUILD_PREFIX = 'portico_tplbuild_';
// Bump when the way templates are built changes, so old templates are not reused.
const TEMPLATE_FORMAT = 'v1';
// First key of the two-key advisory lock guarding template builds (ASCII "ptpl").
const TEMPLATE_LOCK_KEY = 0x7074706c;

// The table `prisma migrate deploy` creates, column for column, so `prisma migrate status`
// and later deploys treat a copied database exactly like one migrated by the CLI.
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface CreateTestDatabaseOptions {
  /**
   * A connection URL for a role allowed to create databases; its database part is used for
   * administration only. Defaults to PORTICO_TEST_DATABASE_ADMIN_URL, then postgres@127.0.0.1:5432.
   */
  adminUrl?: string;
  /** The Prisma migrations folder; defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Pool size of the returned client. */
  maxConnections?: number;
}

export interface TestDatabase {
  /** Connection URL of the new database, for code under test that builds its own client. */
  url: string;
  name: string;
  /** A Prisma client on the new database. */
  db: Db;
  /** Disconnects `db` and drops the database, even if other sessions are still connected. */
  drop(): Promise<void>;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Reads each migration folder's migration.sql, in the order Prisma applies them (by name). */
export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of folders) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const bytes = await readFile(file).catch(() => undefined);
    // Prisma ignores folders without a migration.sql (e.g. a half-created one); so do we.
    if (bytes === undefined) continue;
    migrations.push({
      name,
      sql: bytes.toString('utf8'),
      // Prisma's checksum: the SHA-256 of the file's bytes.
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return migrations;
}

/** Names the template for a set of migrations; any change to any migration gives a new name. */
export function templateDatabaseName(migrations: readonly Migration[]): string {
  const hash = createHash('sha256').update(TEMPLATE_FORMAT);
  for (const migration of migrations) hash.update(`\0${migration.name}\0${migration.checksum}`);
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 12)}`;
}

/** A unique test database name that records when it was made (milliseconds, base 36). */
export function newTestDatabaseName(now = Date.now()): string {
  return `${TEST_DATABASE_PREFIX}${now.toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** When a database named by `newTestDatabaseName` (or a template build) was made; else undefined. */
export function databaseCreatedAt(name: string): Date | undefined {
  const match = /^portico_(?:test|tplbuild_[0-9a-f]{12})_([0-9a-z]{1,11})_[0-9a-f]{8}$/.exec(name);
  const stamp = match?.[1];
  if (stamp === undefined) return undefined;
  const ms = Number.parseInt(stamp, 36);
  return Number.isSafeInteger(ms) ? new Date(ms) : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function urlForDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function resolveAdminUrl(options: CreateTestDatabaseOptions): string {
  // Test tooling, not an app: reading the override here keeps every test suite's setup one line.
  return options.adminUrl ?? process.env.PORTICO_TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
}

/** Runs `run` on a connection of its own to `url`, closed afterwards whatever happens. */
export async function withClient<T>(
  url: string,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Whether the server `client` is connected to has a database called `name`. */
export async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (result.rowCount ?? 0) > 0;
}

/**
 * Applies the migrations to an empty database the way `prisma migrate deploy` does: each
 * migration.sql as one multi-statement query (so `DO $$ … $$` blocks work and an enum value added
 * by one migration is committed before the next uses it), then one finished row per migration.
 */
async function applyMigrations(url: string, migrations: readonly Migration[]): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(PRISMA_MIGRATIONS_TABLE);
    for (const migration of migrations) {
      try {
        await client.query(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed on a fresh database: ${reason}`, {
          cause: error,
        });
      }
      await client.query(
        `INSERT INTO "_prisma_migrations"
           (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
    }
  });
}

/**
 * Makes sure the template for these migrations exists. Several test processes may start at once:
 * an advisory lock lets one build while the others wait, then find it built.
 */
async function ensureTemplate(
  adminUrl: string,
  migrations: readonly Migration[],
  template: string,
) {
  await withClient(adminUrl, async (admin) => {
    if (await databaseExists(admin, template)) return;
    const lockKey =
      Number.parseInt(template.slice(TEMPLATE_PREFIX.length, TEMPLATE_PREFIX.length + 8), 16) | 0;
    await admin.query('SELECT pg_advisory_lock($1, $2)', [TEMPLATE_LOCK_KEY, lockKey]);
    try {
      if (await databaseExists(admin, template)) return;
      const hash = template.slice(TEMPLATE_PREFIX.length);
      const build = `${TEMPLATE_BUILD_PREFIX}${hash}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${quoteIdent(build)}`);
      try {
        await applyMigrations(urlForDatabase(adminUrl, build), migrations);
        await admin.query(`ALTER DATABASE ${quoteIdent(build)} RENAME TO ${quoteIdent(template)}`);
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(build)} WITH (FORCE)`);
        throw error;
      }
      // Nobody may connect to a template: CREATE DATABASE … TEMPLATE fails while anyone is.
      await admin.query(
        `ALTER DATABASE ${quoteIdent(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
      );
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, $2)', [TEMPLATE_LOCK_KEY, lockKey]);
    }
  });
}

// One template check per process and migrations set; later calls only copy.
const templates = new Map<string, Promise<string>>();

function templateFor(adminUrl: string, migrationsDir: string): Promise<string> {
  const key = `${adminUrl}\0${migrationsDir}`;
  let template = templates.get(key);
  if (template === undefined) {
    template = (async () => {
      const migrations = await readMigrations(migrationsDir);
      const name = templateDatabaseName(migrations);
      await ensureTemplate(adminUrl, migrations, name);
      return name;
    })();
    templates.set(key, template);
    // A failed build must not poison later attempts in the same process.
    template.catch(() => templates.delete(key));
  }
  return template;
}

/**
 * Creates a uniquely named database with every committed migration applied, and a Prisma client
 * on it. Call `drop()` when done (e.g. in `afterAll`).
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const adminUrl = resolveAdminUrl(options);
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const name = newTestDatabaseName();

  const copy = async () => {
    const template = await templateFor(adminUrl, migrationsDir);
    await withClient(adminUrl, (admin) =>
      admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`),
    );
  };
  try {
    await copy();
  } catch (error) {
    // 3D000: the template vanished (swept by another run) after this process checked it; rebuild.
    if ((error as { code?: unknown }).code !== '3D000') throw error;
    templates.clear();
    await copy();
  }

  const url = urlForDatabase(adminUrl, name);
  const db = createDb({ databaseUrl: url, maxConnections: options.maxConnections ?? 5 });
  let dropped: Promise<void> | undefined;
  return {
    url,
    name,
    db,
    drop() {
      dropped ??= (async () => {
        await db.$disconnect();
        await withClient(adminUrl, (admin) =>
          admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
        );
      })();
      return dropped;
    },
  };
}

export interface DropStaleOptions {
  adminUrl?: string;
  /** Also drop templates other than the one for the current migrations. Default true. */
  oldTemplates?: boolean;
  migrationsDir?: string;
}

/**
 * CI hygiene: drops test databases (and abandoned template builds) created more than
 * `olderThanMinutes` ago, and templates of migration sets that no longer exist. Returns the
 * names dropped.
 */
export async function dropStaleTestDatabases(
  olderThanMinutes: number,
  options: DropStaleOptions = {},
): Promise<string[]> {
  if (!Number.isFinite(olderThanMinutes) || olderThanMinutes < 0) {
    throw new RangeError(`olderThanMinutes must be a non-negative number, got ${olderThanMinutes}`);
  }
  const adminUrl = resolveAdminUrl(options);
  const cutoff = Date.now() - olderThanMinutes * 60_000;
  const currentTemplate =
    options.oldTemplates === false
      ? undefined
      : templateDatabaseName(await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR));

  return withClient(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datname LIKE 'portico\\_test\\_%' OR datname LIKE 'portico\\_tpl%'`,
    );
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const createdAt = databaseCreatedAt(datname);
      const stale =
        createdAt !== undefined
          ? createdAt.getTime() < cutoff
          : currentTemplate !== undefined &&
            datname.startsWith(TEMPLATE_PREFIX) &&
            datname !== currentTemplate;
      if (!stale) continue;
      if (datname.startsWith(TEMPLATE_PREFIX)) {
        await admin.query(`ALTER DATABASE ${quoteIdent(datname)} WITH IS_TEMPLATE false`);
      }
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      templates.clear();
      dropped.push(datname);
    }
    return dropped;
  });
}
