import { describe, expect, it } from 'vitest';

import { developer, ids, trpcError, useSeededUsage, viewer, window } from './usage-fixture';

useSeededUsage();

describe('usage.requests (request explorer)', () => {
  it('pages newest first with a cursor, without repeats', async () => {
    const v = viewer();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await v.usage.requests({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((r) => r.requestId));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(['req_4', 'req_3', 'req_2', 'req_1', 'req_0']);
  });

  it('filters by status class and error code', async () => {
    const v = viewer();
    expect((await v.usage.requests({ statusClass: 5 })).items.map((r) => r.requestId)).toEqual([
      'req_4',
    ]);
    expect((await v.usage.requests({ errorCode: 'GW_UPSTREAM_TIMEOUT' })).items).toHaveLength(1);
  });

  it('refuses a cursor it did not issue', async () => {
    const err = await trpcError(viewer().usage.requests({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^cursor:/);
  });
});

describe('developers see only their own consumers', () => {
  it('scopes series, top consumers and requests to their consumers', async () => {
    const d = developer();
    const points = await d.usage.series({ ...window, granularity: 'hour' });
    expect(points.reduce((s, p) => s + p.requests, 0)).toBe(12);
    expect((await d.usage.topConsumers(window)).map((t) => t.consumerName)).toEqual(['mine']);
    expect((await d.usage.topApis(window)).map((t) => [t.apiName, t.requests])).toEqual([
      ['orders', 12],
    ]);
    expect((await d.usage.requests({})).items.map((r) => r.requestId)).toEqual([
      'req_2',
      'req_1',
      'req_0',
    ]);
  });

  it("answers NOT_FOUND for another owner's consumer", async () => {
    const err = await trpcError(developer().usage.latency({ ...window, consumerId: ids.theirs }));
    expect(err.code).toBe('NOT_FOUND');
    const byName = await trpcError(
      developer().usage.summary({ consumerName: 'theirs', sinceSeconds: 3600 }),
    );
    expect(byName.code).toBe('NOT_FOUND');
  });
});

describe('usage.quotaUsage and usage.summary', () => {
  it("reports this period's usage per subscription from the rollups", async () => {
    const [usage, ...rest] = await developer().usage.quotaUsage({});
    expect(rest).toHaveLength(0);
    expect(usage).toMatchObject({
      subscriptionId: ids.sub,
      planName: 'gold',
      per: 'day',
      limit: 100,
      used: 12,
      remaining: 88,
      percent: 12,
      periodStart: '2026-11-22T00:00:00.000Z',
      source: 'rollups',
    });
  });

  it('summarises requests, errors and percentiles by API and consumer name', async () => {
    const v = viewer();
    const all = await v.usage.summary({ sinceSeconds: 3600 });
    expect(all).toMatchObject({ requests: 16, errors: 2 });
    expect(all.p50Ms).not.toBeNull();
    const billing = await v.usage.summary({ apiName: 'billing', sinceSeconds: 3600 });
    expect(billing.requests).toBe(1);
    const mine = await v.usage.summary({
      consumerName: 'mine',
      apiName: 'orders',
      sinceSeconds: 3600,
    });
    expect(mine).toMatchObject({ requests: 12, errors: 2 });
  });

  it('answers NOT_FOUND naming the field for an unknown API name', async () => {
    const err = await trpcError(viewer().usage.summary({ apiName: 'nope', sinceSeconds: 60 }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('apiName: no API named nope');
  });
});
