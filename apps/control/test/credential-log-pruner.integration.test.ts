import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRUNE_RETENTION_MS, startCredentialLogPruner } from '../src/dp/credential-log-pruner';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
});
beforeEach(async () => {
  await db.credentialChange.deleteMany();
});

/** Appends a log entry dated `ageMs` ago; returns its seq. */
async function entry(ageMs: number, now: Date): Promise<bigint> {
  const row = await db.credentialChange.create({
    data: {
      type: 'consumer.delete',
      entityId: `con_${Math.random().toString(36).slice(2)}`,
      payload: { type: 'consumer.delete', id: 'con_x' },
      createdAt: new Date(now.getTime() - ageMs),
    },
  });
  return row.seq;
}

async function remainingSeqs(): Promise<bigint[]> {
  const rows = await db.credentialChange.findMany({ orderBy: { seq: 'asc' } });
  return rows.map((r) => r.seq);
}

describe('credential log pruner', () => {
  it('removes entries older than 7 days and keeps the recent ones', async () => {
    const now = new Date();
    await entry(30 * DAY_MS, now);
    await entry(8 * DAY_MS, now);
    const recent = await entry(6 * DAY_MS, now);
    const newest = await entry(1_000, now);
    const pruner = startCredentialLogPruner({ db, now: () => now });
    try {
      expect(await pruner.runOnce()).toBe(2);
    } finally {
      pruner.stop();
    }
    expect(await remainingSeqs()).toEqual([recent, newest]);
  });

  it('keeps the newest entry even when every entry is older than the retention', async () => {
    const now = new Date();
    await entry(20 * DAY_MS, now);
    await entry(10 * DAY_MS, now);
    const newest = await entry(9 * DAY_MS, now);
    const pruner = startCredentialLogPruner({ db, now: () => now });
    try {
      expect(await pruner.runOnce()).toBe(2);
      expect(await pruner.runOnce()).toBe(0);
    } finally {
      pruner.stop();
    }
    expect(await remainingSeqs()).toEqual([newest]);
  });

  it('prunes on its interval and reports what it deleted, until stopped', async () => {
    const now = new Date();
    await entry(PRUNE_RETENTION_MS + DAY_MS, now);
    const newest = await entry(0, now);
    const reports: number[] = [];
    const errors: unknown[] = [];
    const pruner = startCredentialLogPruner({
      db,
      intervalMs: 20,
      now: () => now,
      onPruned: (deleted) => reports.push(deleted),
      onError: (error) => errors.push(error),
    });
    try {
      const deadline = Date.now() + 5_000;
      while (reports.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(reports).toEqual([1]);
      expect(errors).toEqual([]);
    } finally {
      pruner.stop();
    }
    expect(await remainingSeqs()).toEqual([newest]);
  });
});
