import { decodeAnalyticsBatch, encodeBatch, LATENCY_BUCKET_COUNT } from '@portico/analytics';
import { newId } from '@portico/id';
import { waitFor } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch } from '../src/analytics/apply-batch';
import { createWorkerHarness, requestEvent, type WorkerHarness } from './worker-harness';

let h: WorkerHarness;
beforeAll(async () => {
  h = await createWorkerHarness();
});
afterAll(async () => {
  await h?.close();
});

async function resetTables() {
  await h.db.$executeRawUnsafe(
    'TRUNCATE usage_minutes, usage_hours, usage_error_minutes, request_log, analytics_batches',
  );
}

/** Empties the analytics tables and creates the consumer a test's events belong to. */
async function emptyTablesAndConsumer(name: string) {
  await resetTables();
  return h.db.consumer.create({ data: { id: newId('consumer'), name } });
}

describe('analytics batches into Postgres', () => {
  it('counts exactly N events recorded through a real recorder, including those sent on close', async () => {
    const consumer = await emptyTablesAndConsumer('conservation');
    const key = await h.db.apiKey.create({
      data: {
        id: newId('key'),
        consumerId: consumer.id,
        name: 'k',
        start: 'pk_abc',
        hash: newId('key'),
      },
    });
    await h.startRuntime();
    const recorder = h.recorder({ batchMaxEvents: 250, flushIntervalMs: 60_000 });
    const N = 1_234;
    for (let i = 0; i < N; i++) {
      recorder.record(
        requestEvent({
          consumerId: consumer.id,
          keyId: key.id,
          status: i % 10 === 0 ? 502 : 200,
          errorCode: i % 10 === 0 ? 'GW_UPSTREAM_UNAVAILABLE' : null,
        }),
      );
    }
    // 4 full batches go out at once; the last 234 events only leave because close() flushes.
    await recorder.close(10_000);
    expect(recorder.stats()).toMatchObject({ recorded: N, sent: N, dropped: 0, batchesSent: 5 });

    await waitFor('all batches applied', async () => (await h.count('analytics_batches')) === 5);
    expect(await h.rollupTotal()).toBe(N);
    expect(await h.count('request_log')).toBe(N);
    expect(await h.count('analytics_batches')).toBe(5);
    const [errors] = await h.db.$queryRaw<{ e: bigint; code: bigint }[]>`
      SELECT (SELECT sum("errorCount") FROM usage_minutes)::bigint AS e,
        (SELECT sum(count) FROM usage_error_minutes WHERE "errorCode" = 'GW_UPSTREAM_UNAVAILABLE')::bigint AS code`;
    expect(Number(errors?.e)).toBe(124);
    expect(Number(errors?.code)).toBe(124);
    const histogram = await h.db.usageMinute.findFirst({ where: { consumerId: consumer.id } });
    expect(histogram?.latencyBuckets).toHaveLength(LATENCY_BUCKET_COUNT);
    const updatedKey = await h.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(updatedKey.lastUsedAt).not.toBeNull();
  });

  it("records a consumer credential's last use from the requests it authenticated", async () => {
    const consumer = await emptyTablesAndConsumer('credentialed');
    const credential = await h.db.consumerCredential.create({
      data: {
        id: newId('credential'),
        consumerId: consumer.id,
        kind: 'basic',
        name: 'ci',
        identifier: `user-${consumer.id}`,
        secretHash: 'not verified here',
      },
    });
    await h.startRuntime();
    const recorder = h.recorder({ batchMaxEvents: 100, flushIntervalMs: 60_000 });
    recorder.record(requestEvent({ consumerId: consumer.id, keyId: credential.id }));
    await recorder.close(10_000);
    await waitFor('the batch applied', async () => (await h.count('analytics_batches')) === 1);
    await waitFor('last use recorded', async () => {
      const row = await h.db.consumerCredential.findUniqueOrThrow({ where: { id: credential.id } });
      return row.lastUsedAt !== null;
    });
  });

  it('keeps the MCP tool of tool calls in the request log, through a real recorder', async () => {
    await resetTables();
    await h.startRuntime();
    const recorder = h.recorder({ batchMaxEvents: 100, flushIntervalMs: 60_000 });
    recorder.record(requestEvent({ requestId: 'req_rest' }));
    recorder.record(requestEvent({ requestId: 'req_tool_ok', tool: 'get_order' }));
    recorder.record(
      requestEvent({
        requestId: 'req_tool_limited',
        tool: 'get_order',
        status: 429,
        errorCode: 'GW_RATE_LIMITED',
      }),
    );
    await recorder.close(10_000);
    await waitFor('three requests logged', async () => (await h.count('request_log')) === 3);
    const rows = await h.db.requestLog.findMany({
      select: { requestId: true, tool: true, status: true },
      orderBy: { requestId: 'asc' },
    });
    expect(rows).toEqual([
      { requestId: 'req_rest', tool: null, status: 200 },
      { requestId: 'req_tool_limited', tool: 'get_order', status: 429 },
      { requestId: 'req_tool_ok', tool: 'get_order', status: 200 },
    ]);
  });

  it('does not count a redelivered batch twice, even when two workers apply it at once', async () => {
    await resetTables();
    const events = Array.from({ length: 40 }, () => requestEvent());
    const batch = decodeAnalyticsBatch(
      JSON.parse(JSON.stringify(encodeBatch(newId('batch'), 'dpn_test', events))),
    );
    const [first, second] = await Promise.all([applyBatch(h.db, batch), applyBatch(h.db, batch)]);
    expect([first.applied, second.applied].sort()).toEqual([false, true]);
    const third = await applyBatch(h.db, batch);
    expect(third.applied).toBe(false);
    expect(await h.rollupTotal()).toBe(40);
    expect(await h.count('request_log')).toBe(40);
    expect(await h.count('analytics_batches')).toBe(1);
  });

  it('fails a malformed batch once, visibly, writes nothing for it, and keeps the queue moving', async () => {
    await resetTables();
    await h.startRuntime();
    const queue = h.analyticsQueue();

    await queue.add(
      'analytics.batch@1',
      { v: 1, id: 'bat_nope', e: 'garbage' },
      { jobId: 'bad-payload', attempts: 5 },
    );
    await queue.add(
      'analytics.batch@9',
      { anything: true },
      { jobId: 'unknown-version', attempts: 5 },
    );
    const good = encodeBatch(newId('batch'), 'dpn_test', [requestEvent(), requestEvent()]);
    await queue.add('analytics.batch@1', good, { jobId: good.id, attempts: 5 });

    await waitFor('the good batch counted', async () => (await h.rollupTotal()) === 2);
    await waitFor('both bad jobs failed', async () => (await queue.getFailedCount()) === 2);
    const bad = await queue.getJob('bad-payload');
    expect(await bad?.getState()).toBe('failed');
    expect(bad?.attemptsMade).toBe(1);
    expect(bad?.failedReason).toMatch(/analytics\.batch@1 job bad-payload: invalid payload at id/);
    const unknown = await queue.getJob('unknown-version');
    expect(await unknown?.getState()).toBe('failed');
    expect(unknown?.attemptsMade).toBe(1);
    expect(unknown?.failedReason).toMatch(/unknown job "analytics.batch@9"/);
    expect(await h.count('analytics_batches')).toBe(1);
    expect(await h.count('request_log')).toBe(2);
    expect(await queue.getJobCounts('wait', 'delayed', 'active')).toEqual({
      wait: 0,
      delayed: 0,
      active: 0,
    });
  });

  it('counts exactly N when several workers consume the same queue at once', async () => {
    await resetTables();
    const failedBefore = await h.analyticsQueue().getFailedCount();
    await Promise.all([h.startRuntime({ concurrency: 3 }), h.startRuntime({ concurrency: 3 })]);
    const recorder = h.recorder({ batchMaxEvents: 200 });
    const N = 6_000;
    // Few distinct cells, so concurrent batches keep upserting the same rollup rows.
    for (let i = 0; i < N; i++) recorder.record(requestEvent({ consumerId: `con_${i % 3}` }));
    await recorder.close(20_000);
    await waitFor(
      'all events counted',
      async () => (await h.count('analytics_batches')) === N / 200,
      60_000,
    );
    expect(await h.rollupTotal()).toBe(N);
    expect(await h.count('request_log')).toBe(N);
    expect(await h.analyticsQueue().getFailedCount()).toBe(failedBefore);
  }, 90_000);

  it('registers the scheduled jobs once however many workers start', async () => {
    const first = await h.startRuntime({ schedules: true });
    await h.startRuntime({ schedules: true });
    const schedulers = await first.maintenanceQueue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.name, s.every]).sort()).toEqual([
      ['analytics.compact-rollups', 'analytics.compact-rollups@1', 900_000],
      ['analytics.prune-request-log', 'analytics.prune-request-log@1', 3_600_000],
      ['quota.check', 'quota.check@1', 60_000],
    ]);
  });
});
