import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import { exitWithin, RedisServer, waitFor } from '@portico/testkit';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorker, trackHeldJobs } from '../src/worker-shutdown';
import { REDIS_URL } from './worker-harness';
import { spawnWorker } from './worker-process';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('worker process shutdown around a Redis outage', () => {
  // BullMQ's graceful close waits for an 'end' event that a Redis client between two reconnect
  // attempts never emits: without a bound, these workers never exit.
  it('exits cleanly on SIGTERM while Redis is down', async () => {
    const redis = await RedisServer.start();
    try {
      const worker = await spawnWorker(database.url, '{portico}', { REDIS_URL: redis.url });
      await redis.stop();
      await waitFor('the worker to see Redis gone', () => worker.output().includes('ECONNREFUSED'));
      worker.child.kill('SIGTERM');
      expect(await exitWithin(worker, 20_000)).toBe(0);
      expect(worker.output()).toContain('while a queue connection was still reconnecting');
      expect(worker.output()).toContain('"msg":"worker stopped"');
    } finally {
      await redis.stop();
    }
  }, 60_000);

  it('exits cleanly on SIGTERM just after Redis returns from an outage longer than the reconnect backoff', async () => {
    const redis = await RedisServer.start();
    try {
      const worker = await spawnWorker(database.url, '{portico}', { REDIS_URL: redis.url });
      await redis.stop();
      // Long enough for ioredis' exponential backoff to reach seconds between attempts.
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      await redis.start();
      worker.child.kill('SIGTERM');
      expect(await exitWithin(worker, 20_000)).toBe(0);
      expect(worker.output()).toContain('"msg":"worker stopped"');
    } finally {
      await redis.stop();
    }
  }, 60_000);
});

describe('closeWorker', () => {
  let connection: Redis;
  const prefix = `{test-shutdown-${randomBytes(6).toString('hex')}}`;

  beforeAll(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    const keys = await connection.keys(`${prefix}*`);
    if (keys.length > 0) await connection.del(...keys);
    connection.disconnect();
  });

  it('waits for a running job to finish and closes', async () => {
    let release: () => void = () => undefined;
    const finished: string[] = [];
    const worker = new Worker(
      'shutdown-wait',
      async (job) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished.push(job.id ?? '');
      },
      { connection, prefix },
    );
    const held = trackHeldJobs(worker);
    const queue = new Queue('shutdown-wait', { connection, prefix });
    try {
      const job = await queue.add('slow', {});
      await waitFor('the job taken', () => held.size === 1, 10_000);
      const closing = closeWorker(worker, held, { deadline: Date.now() + 20_000 });
      setTimeout(() => release(), 300);
      expect(await closing).toBe('closed');
      expect(finished).toEqual([job.id]);
      expect(held.size).toBe(0);
      expect(await (await queue.getJob(job.id ?? ''))?.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
  });

  it('gives up at the deadline on a job that never ends, and leaves it active for redelivery', async () => {
    let release: () => void = () => undefined;
    const worker = new Worker(
      'shutdown-stuck',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      { connection, prefix },
    );
    const held = trackHeldJobs(worker);
    const queue = new Queue('shutdown-stuck', { connection, prefix });
    try {
      const job = await queue.add('stuck', {});
      await waitFor('the job taken', () => held.size === 1, 10_000);
      expect(await closeWorker(worker, held, { deadline: Date.now() + 500 })).toBe('timed-out');
      expect(await (await queue.getJob(job.id ?? ''))?.getState()).toBe('active');
    } finally {
      release();
      await worker.close();
      await queue.close();
    }
  });
});
