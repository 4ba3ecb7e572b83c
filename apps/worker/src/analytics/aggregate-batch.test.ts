import { LATENCY_BUCKET_COUNT, latencyBucketIndex, type RequestEvent } from '@portico/analytics';
import { sampleEvent } from '@portico/analytics/testing';
import { describe, expect, it } from 'vitest';
import { aggregateBatch } from './aggregate-batch';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

/** An event at T0 with the latency and sizes the expected sums below are computed from. */
function ev(overrides: Partial<RequestEvent>): RequestEvent {
  return sampleEvent({
    time: T0,
    totalMs: 4,
    upstreamMs: 3,
    bytesIn: 1,
    bytesOut: 10,
    ...overrides,
  });
}

describe('aggregateBatch', () => {
  it('folds events of the same minute and dimensions into one cell with counts, bytes and histogram', () => {
    const { rollups } = aggregateBatch([
      ev({ time: T0 + 1_000, totalMs: 4 }),
      ev({ time: T0 + 59_999, totalMs: 400, status: 503, bytesOut: 5 }),
      ev({ time: T0 + 30_000, status: 201 }),
    ]);
    expect(rollups).toHaveLength(2);
    const twoHundreds = rollups.find((c) => c.s === 2);
    const fiveHundreds = rollups.find((c) => c.s === 5);
    expect(twoHundreds).toMatchObject({ m: T0, n: 2, e: 0, bi: 2, bo: 20 });
    expect(fiveHundreds).toMatchObject({ m: T0, n: 1, e: 1, bo: 5 });
    expect(twoHundreds?.h).toHaveLength(LATENCY_BUCKET_COUNT);
    expect(twoHundreds?.h[latencyBucketIndex(4)]).toBe(2);
    expect(fiveHundreds?.h[latencyBucketIndex(400)]).toBe(1);
  });

  it('splits cells by minute and keeps absent dimensions as empty strings', () => {
    const { rollups } = aggregateBatch([
      ev({ time: T0 }),
      ev({ time: T0 + 60_000 }),
      ev({
        time: T0,
        apiId: null,
        routeId: null,
        consumerId: null,
        keyId: null,
        status: 404,
        errorCode: 'GW_NO_ROUTE',
      }),
    ]);
    expect(rollups.map((c) => c.n)).toEqual([1, 1, 1]);
    expect(rollups.find((c) => c.a === '')).toMatchObject({ r: '', c: '', k: '', s: 4, e: 1 });
  });

  it('counts gateway error codes per minute and dimension', () => {
    const { errors } = aggregateBatch([
      ev({ status: 429, errorCode: 'GW_QUOTA_EXCEEDED' }),
      ev({ status: 429, errorCode: 'GW_QUOTA_EXCEEDED' }),
      ev({ status: 401, errorCode: 'GW_KEY_INVALID', keyId: null }),
      ev({ status: 500 }),
    ]);
    expect(errors.map((e) => [e.code, e.n])).toEqual([
      ['GW_KEY_INVALID', 1],
      ['GW_QUOTA_EXCEEDED', 2],
    ]);
  });

  it('keeps the latest use per key', () => {
    const { keyLastUsed } = aggregateBatch([
      ev({ keyId: 'key_b', time: T0 + 5 }),
      ev({ keyId: 'key_a', time: T0 + 9 }),
      ev({ keyId: 'key_a', time: T0 + 2 }),
      ev({ keyId: null }),
    ]);
    expect(keyLastUsed).toEqual([
      { id: 'key_a', t: T0 + 9 },
      { id: 'key_b', t: T0 + 5 },
    ]);
  });

  it('orders cells by their primary key so concurrent upserts lock rows in one order', () => {
    const events = ['con_c', 'con_a', 'con_b'].map((consumerId) => ev({ consumerId }));
    expect(aggregateBatch(events).rollups.map((c) => c.c)).toEqual(['con_a', 'con_b', 'con_c']);
  });
});
