import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAnalyticsBatch, encodeBatch } from '@portico/analytics';
import { newId } from '@portico/id';
import { waitFor } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch } from '../src/analytics/apply-batch';
import { silentLogger } from '../src/logger';
import { compactRollups } from '../src/maintenance/compact-rollups';
import { pruneRequestLog } from '../src/maintenance/prune-request-log';
import { checkQuotas } from '../src/quota/check-quotas';
import { deliverQuotaWebhook } from '../src/quota/deliver-quota-webhook';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '../src/quota/webhook-signature';
import { createWorkerHarness, requestEvent, type WorkerHarness } from './worker-harness';

let h: WorkerHarness;
beforeAll(async () => {
  h = await createWorkerHarness();
});
afterAll(async () => {
  await h?.close();
});

async function apply(events: ReturnType<typeof requestEvent>[]) {
  const batch = decodeAnalyticsBatch(
    JSON.parse(JSON.stringify(encodeBatch(newId('batch'), 'dpn_test', events))),
  );
  return applyBatch(h.db, batch);
}

describe('retention and compaction', () => {
  it('prunes raw requests older than the retention and keeps newer ones', async () => {
    const now = Date.UTC(2026, 10, 22, 12);
    await apply([
      requestEvent({ time: now - 8 * 86_400_000 }),
      requestEvent({ time: now - 7 * 86_400_000 - 1 }),
      requestEvent({ time: now - 6 * 86_400_000 }),
      requestEvent({ time: now - 1_000 }),
    ]);
    const result = await pruneRequestLog(h.db, new Date(now), 7);
    expect(result.requests).toBe(2);
    const left = await h.db.requestLog.findMany({
      select: { time: true },
      orderBy: { time: 'asc' },
    });
    expect(left.map((r) => r.time.getTime())).toEqual([now - 6 * 86_400_000, now - 1_000]);
  });

  it('folds minute rollups older than the age into hours without losing or doubling a request', async () => {
    await h.db.$executeRawUnsafe(
      'TRUNCATE usage_minutes, usage_hours, usage_error_minutes, usage_error_hours',
    );
    const now = Date.UTC(2026, 10, 22, 12, 30);
    const old = Date.UTC(2026, 10, 19, 9, 0);
    await apply([
      requestEvent({ time: old + 60_000, totalMs: 3 }),
      requestEvent({ time: old + 5 * 60_000, totalMs: 3 }),
      requestEvent({
        time: old + 59 * 60_000,
        totalMs: 800,
        status: 504,
        errorCode: 'GW_UPSTREAM_TIMEOUT',
      }),
      requestEvent({
        time: old + 58 * 60_000,
        totalMs: 3,
        status: 504,
        errorCode: 'GW_UPSTREAM_TIMEOUT',
      }),
      requestEvent({ time: old + 60 * 60_000, totalMs: 3 }),
      requestEvent({ time: now - 60_000, totalMs: 3 }),
    ]);
    const before = await h.rollupTotal();
    const first = await compactRollups(h.db, new Date(now), 48);
    expect(first).toMatchObject({ minuteRows: 5, errorMinuteRows: 2 });
    const again = await compactRollups(h.db, new Date(now), 48);
    expect(again).toMatchObject({ minuteRows: 0, errorMinuteRows: 0 });
    expect(await h.rollupTotal()).toBe(before);

    const hours = await h.db.usageHour.findMany({
      orderBy: [{ hour: 'asc' }, { statusClass: 'asc' }],
    });
    expect(hours.map((r) => [r.hour.toISOString(), r.statusClass, r.count, r.errorCount])).toEqual([
      ['2026-11-19T09:00:00.000Z', 2, 2, 0],
      ['2026-11-19T09:00:00.000Z', 5, 2, 2],
      ['2026-11-19T10:00:00.000Z', 2, 1, 0],
    ]);
    const histogramTotal = hours.reduce(
      (sum, r) => sum + r.latencyBuckets.reduce((a, b) => a + b, 0),
      0,
    );
    expect(histogramTotal).toBe(5);
    expect(await h.count('usage_minutes')).toBe(1);
    const errorHours = await h.db.usageErrorHour.findMany();
    expect(errorHours.map((r) => [r.hour.toISOString(), r.errorCode, r.count])).toEqual([
      ['2026-11-19T09:00:00.000Z', 'GW_UPSTREAM_TIMEOUT', 2],
    ]);
    expect(await h.db.usageErrorMinute.count()).toBe(0);
  });
});

describe('quota notifications', () => {
  let server: Server;
  const received: { body: string; signature: string }[] = [];
  let failNext = 0;
  const SECRET = 'quota-webhook-secret-123';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end();
          return;
        }
        received.push({ body, signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]) });
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('records 80% and 100% once per period and delivers each as a signed webhook, retrying after a failure', async () => {
    const port = (server.address() as AddressInfo).port;
    const service = await h.db.service.create({
      data: { id: newId('service'), name: 'svc-quota' },
    });
    const api = await h.db.api.create({
      data: {
        id: newId('api'),
        name: 'quota-api',
        slug: 'quota-api',
        basePath: '/q',
        serviceId: service.id,
        auth: { type: 'key' },
      },
    });
    const plan = await h.db.plan.create({
      data: {
        id: newId('plan'),
        name: 'tiny',
        quota: { requests: 10, per: 'day' },
        apis: { create: { apiId: api.id } },
      },
    });
    const consumer = await h.db.consumer.create({
      data: {
        id: newId('consumer'),
        name: 'quota-consumer',
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      },
    });
    const sub = await h.db.subscription.create({
      data: {
        id: newId('subscription'),
        consumerId: consumer.id,
        planId: plan.id,
        status: 'active',
      },
    });
    const runtime = await h.startRuntime({
      settings: { retentionDays: 7, compactAfterHours: 48, webhookSigningSecret: SECRET },
    });
    const deps = {
      db: h.db,
      logger: silentLogger,
      queue: runtime.maintenanceQueue,
      now: new Date(),
      webhookSigningSecret: SECRET,
    };

    await apply(
      Array.from({ length: 7 }, () => requestEvent({ apiId: api.id, consumerId: consumer.id })),
    );
    expect((await checkQuotas(deps)).recorded).toBe(0);

    await apply([requestEvent({ apiId: api.id, consumerId: consumer.id })]);
    // Another API's traffic does not count against this plan.
    await apply(
      Array.from({ length: 5 }, () =>
        requestEvent({ apiId: 'api_other', consumerId: consumer.id }),
      ),
    );
    failNext = 1;
    expect((await checkQuotas(deps)).recorded).toBe(1);
    expect((await checkQuotas(deps)).recorded).toBe(0);

    await waitFor(
      'the 80% webhook delivered after one failed attempt',
      () => received.length === 1,
      20_000,
    );
    const first = received[0];
    expect(first && verifyWebhookSignature(SECRET, first.body, first.signature)).toBe(true);
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
      type: 'quota.threshold_reached',
      subscriptionId: sub.id,
      thresholdPercent: 80,
      used: 8,
      limit: 10,
    });
    await waitFor('the row marked delivered', async () => {
      const n = await h.db.quotaNotification.findFirst({ where: { threshold: 80 } });
      return n?.webhookStatus === 'delivered';
    });
    const eighty = await h.db.quotaNotification.findFirstOrThrow({ where: { threshold: 80 } });
    expect(eighty.attempts).toBe(2);

    await apply(
      Array.from({ length: 2 }, () => requestEvent({ apiId: api.id, consumerId: consumer.id })),
    );
    expect((await checkQuotas(deps)).recorded).toBe(1);
    await waitFor('the 100% webhook delivered', () => received.length === 2, 20_000);
    expect(JSON.parse(received[1]?.body ?? '{}')).toMatchObject({
      thresholdPercent: 100,
      used: 10,
    });
    expect(await h.db.quotaNotification.count({ where: { subscriptionId: sub.id } })).toBe(2);
  });
});

describe('quota webhook target re-check', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data', 'host 169.254.169.254 is a link-local'],
    ['https://user:secret@127.0.0.1:9/hook', 'must not contain credentials'],
  ])('skips %s without calling it and records why', async (webhookUrl, reason) => {
    const id = newId('quotaNotification');
    await h.db.quotaNotification.create({
      data: {
        id,
        subscriptionId: newId('subscription'),
        consumerId: newId('consumer'),
        planId: newId('plan'),
        periodStart: new Date(Date.UTC(2026, 10, 22)),
        threshold: 80,
        used: 80,
        quotaLimit: 100,
        webhookUrl,
      },
    });
    // Never forwards: only loopback addresses may be targets of test traffic, and a call at all
    // is the failure this test looks for.
    let calls = 0;
    const countingFetch: typeof fetch = async () => {
      calls++;
      throw new Error('the webhook must not be called');
    };
    const outcome = await deliverQuotaWebhook(
      { db: h.db, fetch: countingFetch, secret: 'quota-webhook-secret-123', now: new Date() },
      id,
      false,
    );
    expect(outcome).toEqual({ status: 'skipped' });
    expect(calls).toBe(0);
    const row = await h.db.quotaNotification.findUniqueOrThrow({ where: { id } });
    expect(row.webhookStatus).toBe('skipped');
    expect(row.attempts).toBe(0);
    expect(row.lastError).toContain(`webhook URL refused: ${reason}`);
  });
});
