import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@portico/db/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeEvent, createChangeFeed } from '../src/dp/change-feed';
import { dataPlaneSyncPlugin } from '../src/dp/plugin';
import { createMachineToken } from '../src/testing/machine-tokens';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Resolves with the first event matching `wanted`, or rejects after `ms`. */
function nextEvent(
  feed: ReturnType<typeof createChangeFeed>,
  wanted: ChangeEvent,
  ms = 5_000,
): Promise<ChangeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no ${wanted} event within ${ms} ms`));
    }, ms);
    const unsubscribe = feed.subscribe((event) => {
      if (event !== wanted) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

async function notify(url: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SELECT pg_notify('portico_changes', $1)`, [payload]);
  } finally {
    await client.end();
  }
}

describe('change feed', () => {
  it('delivers committed notifications and reconnects after its connection is killed', async () => {
    const feed = createChangeFeed(database.url, { reconnectDelayMs: 50 });
    try {
      await feed.ready;
      const config = nextEvent(feed, 'config');
      await notify(database.url, 'config');
      expect(await config).toBe('config');

      // Kill the LISTEN connection from the server side, as a Postgres restart or failover would.
      const resync = nextEvent(feed, 'resync');
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
      );
      await admin.end();
      expect(killed.rowCount).toBe(1);
      expect(await resync).toBe('resync');

      // Listening again: later notifications arrive.
      const credentials = nextEvent(feed, 'credentials');
      await notify(database.url, 'credentials');
      expect(await credentials).toBe('credentials');
    } finally {
      await feed.close();
    }
  });

  it('closing the server answers a poll in flight at once instead of holding shutdown', async () => {
    const feed = createChangeFeed(database.url);
    await feed.ready;
    const app = Fastify({ logger: false });
    await app.register(dataPlaneSyncPlugin, {
      db: database.db,
      changeFeed: feed,
      secretKey: randomBytes(32),
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = await createMachineToken(database.db, {
      kind: 'dataplane',
      name: 'gw',
      id: 'tok_feed_test',
    });
    const since = new Date();
    const pending = fetch(`${baseUrl}/dp/v1/config?waitSeconds=30`, {
      headers: { authorization: `Bearer ${token.clear}`, 'x-portico-node-id': 'gw-closing' },
    });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const node = await database.db.dataPlaneNode.findUnique({ where: { id: 'gw-closing' } });
      if (node && node.lastSeenAt >= since) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const closing = performance.now();
    await app.close();
    const response = await pending;
    expect(response.status).toBe(204);
    expect(performance.now() - closing).toBeLessThan(2_000);
    await feed.close();
  });
});
