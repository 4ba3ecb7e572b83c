import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newId } from '@portico/id';
import { describe, expect, it } from 'vitest';
import { anonymiseIp } from './anonymise-ip';
import { decodeBatch, encodeBatch } from './batch-codec';
import { RecordedEventColumns } from './recorded-event-columns';
import type { RequestEvent } from './request-event';
import { recordedEventProblem } from './request-event-check';

type Recorded = Omit<RequestEvent, 'nodeId'>;

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CLIENT_IPS = [
  '203.0.113.7',
  '198.51.100.255',
  '::ffff:192.0.2.33',
  '2001:db8:85a3::8a2e:370:7334',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  'fe80::1%eth0',
  '::1',
  '',
  'not an address',
  // Longer than the byte column: kept by reference.
  '2001:db8:85a3:8d3:1319:8a2e:370:7348%a-long-zone',
  '64:ff9b::192.0.2.128',
];
const REQUEST_IDS = [
  (i: number) => newId('request', 1_763_800_000_000 + i),
  (i: number) => `${i.toString(16).padStart(8, '0')}-9c1e-4b7a-8f3d-2a6b5c4d3e2f`,
  (i: number) => `r${i}`,
  // 64 characters: longer than the byte column, still valid.
  (i: number) => `trace.${String(i).padStart(58, '0')}`,
  // Latin-1 beyond ASCII fits in bytes; U+20AC does not.
  (i: number) => `req_é_${i}`,
  (i: number) => `req_€_${i}`,
];
const ERROR_CODES = ['GW_QUOTA_EXCEEDED', 'GW_UPSTREAM_TIMEOUT', 'GW_KEY_INVALID', 'GW_NO_ROUTE'];

/** Valid events varying every field, nulls, odd addresses and odd request ids included. */
function variedEvents(count: number, seed: number): Recorded[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const maybe = <T>(value: T, nullShare = 0.15): T | null => (next() < nullShare ? null : value);
  const base = 1_763_800_000_000;
  return Array.from({ length: count }, (_, i) => {
    const answered = next() < 0.8;
    const totalMs = pick([0, -0, 0.001, 1, 12.5, next() * 1_000, 86_400_000, 1 / 3]);
    return {
      // Not in order: t0 is the earliest, not the first.
      time: base + Math.floor(next() * 5_000) - 2_500,
      requestId: pick(REQUEST_IDS)(i),
      apiId: maybe(`api_${Math.floor(next() * 5)}`),
      routeId: maybe(`rte_${Math.floor(next() * 12)}`),
      serviceId: maybe(`svc_${Math.floor(next() * 4)}`),
      instance: maybe(pick(['127.0.0.1:9001', '10.0.0.2:8080', `${'h'.repeat(290)}:1`])),
      consumerId: maybe(`con_${Math.floor(next() * 30)}`),
      keyId: maybe(`key_${Math.floor(next() * 60)}`),
      method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND']),
      status: pick([200, 201, 204, 301, 304, 400, 401, 404, 429, 499, 500, 502, 504, 599, 100]),
      totalMs,
      upstreamMs: answered ? pick([0, totalMs * 0.75, 0.125, 86_400_000]) : null,
      bytesIn: pick([0, 1, 512, 1_048_576, 2 ** 40, Number.MAX_SAFE_INTEGER]),
      bytesOut: Math.floor(next() * 100_000),
      clientIp: maybe(pick(CLIENT_IPS)),
      errorCode: answered ? maybe(pick(ERROR_CODES), 0.9) : pick(ERROR_CODES),
    };
  });
}

function withAnonymisedIps(events: readonly Recorded[]): Recorded[] {
  return events.map((event) => ({
    ...event,
    clientIp: event.clientIp === null ? null : anonymiseIp(event.clientIp),
  }));
}

/** Records `events` and cuts them in batches of `batchMax`, returning each batch's JSON. */
function cutAll(
  ring: RecordedEventColumns,
  events: readonly Recorded[],
  batchMax: number,
  anonymise: boolean,
): { ids: string[]; json: string[] } {
  const ids: string[] = [];
  const json: string[] = [];
  for (const event of events) ring.push(event);
  while (ring.size > 0) {
    const batchId = newId('batch');
    const cut = ring.cutBatch(batchMax, { batchId, nodeId: 'dpn_test', anonymiseIp: anonymise });
    ids.push(batchId);
    json.push(JSON.stringify(cut.payload));
  }
  return { ids, json };
}

describe('RecordedEventColumns', () => {
  it('encodes batches byte for byte as encodeBatch encodes the same events', () => {
    const events = variedEvents(600, 1);
    expect(events.filter((event) => recordedEventProblem(event) !== null)).toEqual([]);
    const ring = new RecordedEventColumns(1_000);
    const { ids, json } = cutAll(ring, events, 250, false);
    expect(json).toHaveLength(3);
    for (const [b, batchJson] of json.entries()) {
      const expected = encodeBatch(
        ids[b] as string,
        'dpn_test',
        events.slice(b * 250, (b + 1) * 250),
      );
      expect(batchJson).toBe(JSON.stringify(expected));
    }
  });

  it('anonymises client addresses exactly as anonymiseIp does before encoding', () => {
    const events = variedEvents(400, 2);
    const ring = new RecordedEventColumns(400);
    const { ids, json } = cutAll(ring, events, 400, true);
    const expected = encodeBatch(ids[0] as string, 'dpn_test', withAnonymisedIps(events));
    expect(json).toEqual([JSON.stringify(expected)]);
    // Unparseable addresses became null, as they always have.
    expect(decodeBatch(JSON.parse(json[0] as string)).events.map((e) => e.clientIp)).toContain(
      null,
    );
  });

  it('encodes the same bytes when rows wrap around the end of the columns', () => {
    const events = variedEvents(700, 3);
    const ring = new RecordedEventColumns(97);
    const json: string[] = [];
    const expected: string[] = [];
    let next = 0;
    // Uneven pushes and cuts move the head all around the ring.
    while (next < events.length) {
      const pushed = events.slice(next, next + 61);
      for (const event of pushed) ring.push(event);
      next += pushed.length;
      const waiting = events.slice(next - ring.size, next);
      const batchId = newId('batch');
      const cut = ring.cutBatch(37, { batchId, nodeId: 'dpn_test', anonymiseIp: false });
      json.push(JSON.stringify(cut.payload));
      expected.push(JSON.stringify(encodeBatch(batchId, 'dpn_test', waiting.slice(0, 37))));
    }
    expect(json).toEqual(expected);
  });

  it('refuses exactly the rows recordedEventProblem refuses, and keeps the order of the rest', () => {
    const good = variedEvents(40, 4);
    const breakers: Record<string, unknown>[] = [
      { time: -1 },
      { time: 1.5 },
      { time: Number.MAX_SAFE_INTEGER + 2 },
      { time: '1763800000000' },
      { requestId: '' },
      { requestId: 'r'.repeat(65) },
      { requestId: 42 },
      { requestId: undefined },
      { requestId: 'ü'.repeat(65) },
      { apiId: '' },
      { routeId: 'r'.repeat(65) },
      { serviceId: undefined },
      { instance: 'i'.repeat(301) },
      { instance: '' },
      { consumerId: undefined },
      { keyId: 7 },
      { method: '' },
      { method: 'M'.repeat(17) },
      { method: null },
      { method: 7 },
      { status: 99 },
      { status: 600 },
      { status: 200.5 },
      { status: 65_736 },
      { status: -200 },
      { status: '200' },
      { status: null },
      { totalMs: Number.NaN },
      { totalMs: -0.5 },
      { totalMs: 86_400_001 },
      { totalMs: Number.POSITIVE_INFINITY },
      { totalMs: null },
      { upstreamMs: Number.POSITIVE_INFINITY },
      { upstreamMs: -1 },
      { upstreamMs: '1' },
      { upstreamMs: undefined },
      { bytesIn: -1 },
      { bytesIn: 2 ** 53 },
      { bytesOut: 1.5 },
      { bytesOut: '1' },
      { bytesOut: Symbol('not a number') },
      { clientIp: 'x'.repeat(65) },
      { clientIp: 7 },
      { clientIp: undefined },
      { errorCode: 'gw_lower' },
      { errorCode: '' },
      { errorCode: `GW_${'X'.repeat(62)}` },
      { errorCode: undefined },
      // Valid corner cases, to make sure they are not refused.
      { clientIp: '' },
      { time: 0 },
      { status: 100 },
      { status: 599 },
      { totalMs: 86_400_000, upstreamMs: 0 },
      { errorCode: `GW_${'X'.repeat(61)}` },
      { instance: 'i'.repeat(300) },
      { requestId: 'é'.repeat(64) },
    ];
    // Each broken copy sits between valid events; its own request id tells it apart.
    const events: Recorded[] = [];
    for (const [k, breaker] of breakers.entries()) {
      const event = good[k % good.length] as Recorded;
      events.push(event, {
        ...event,
        requestId: `${event.requestId}_${k}`,
        ...breaker,
      } as Recorded);
    }
    const valid = events.filter((event) => recordedEventProblem(event) === null);
    expect(events.length - valid.length).toBeGreaterThan(40);

    const ring = new RecordedEventColumns(events.length);
    for (const event of events) ring.push(event);
    const batchId = newId('batch');
    const cut = ring.cutBatch(events.length, { batchId, nodeId: 'dpn_test', anonymiseIp: false });
    expect(cut).toMatchObject({ events: valid.length, invalid: events.length - valid.length });
    expect(JSON.stringify(cut.payload)).toBe(
      JSON.stringify(encodeBatch(batchId, 'dpn_test', valid)),
    );
    expect(ring.size).toBe(0);
  });

  it('cuts nothing to send when every row taken is invalid', () => {
    const ring = new RecordedEventColumns(4);
    const [event] = variedEvents(1, 5);
    ring.push({ ...(event as Recorded), status: 42 });
    const cut = ring.cutBatch(10, {
      batchId: newId('batch'),
      nodeId: 'dpn_test',
      anonymiseIp: false,
    });
    expect(cut).toEqual({ payload: null, events: 0, invalid: 1 });
    expect(ring.size).toBe(0);
  });

  it('keeps FIFO order across wrap-around and drops the oldest row when full, saying so', () => {
    const ring = new RecordedEventColumns(3);
    const events = variedEvents(6, 6);
    const requestIds = (max: number) => {
      const cut = ring.cutBatch(max, {
        batchId: newId('batch'),
        nodeId: 'dpn_test',
        anonymiseIp: false,
      });
      return cut.payload?.e.map((tuple) => tuple[1]) ?? [];
    };
    const id = (i: number) => events[i]?.requestId;
    ring.push(events[0] as Recorded);
    ring.push(events[1] as Recorded);
    expect(requestIds(1)).toEqual([id(0)]);
    expect(ring.push(events[2] as Recorded)).toBe(false);
    expect(ring.push(events[3] as Recorded)).toBe(false);
    expect(ring.size).toBe(3);
    expect(ring.push(events[4] as Recorded)).toBe(true);
    expect(ring.size).toBe(3);
    expect(requestIds(10)).toEqual([id(2), id(3), id(4)]);
    expect(ring.dropOldest()).toBe(false);
    ring.push(events[5] as Recorded);
    ring.clear();
    expect(ring.size).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecordedEventColumns(0)).toThrow(RangeError);
    expect(() => new RecordedEventColumns(1.5)).toThrow(RangeError);
  });

  it('copies an event: later changes to it do not reach the batch, and the event is not kept alive', async () => {
    const ring = new RecordedEventColumns(8);
    const [template] = variedEvents(1, 7);
    const batchId = newId('batch');
    const recordOne = (): WeakRef<Recorded> => {
      const event: Recorded = {
        ...(template as Recorded),
        requestId: 'req_copied',
        clientIp: '203.0.113.9',
      };
      ring.push(event);
      event.requestId = 'req_changed';
      event.status = 500;
      return new WeakRef(event);
    };
    const recorded = recordOne();
    // A WeakRef holds its target until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(recorded.deref()).toBeUndefined();
    const cut = ring.cutBatch(8, { batchId, nodeId: 'dpn_test', anonymiseIp: false });
    expect(cut.payload?.e[0]?.[1]).toBe('req_copied');
    expect(cut.payload?.e[0]?.[9]).toBe(template?.status);
    expect(cut.payload?.e[0]?.[14]).toBe('203.0.113.9');
  });
});

/** A full garbage collection, for the test that proves the ring keeps no event alive. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}
