import { describe, expect, it } from 'vitest';
import { decodeAnalyticsBatch, encodeAggregateBatch, type KeptRow } from './aggregate-batch-codec';
import { MalformedBatchError } from './batch-codec';
import { aggregateRequests } from './usage-aggregate';

const T0 = Date.UTC(2026, 11, 7, 2, 0, 0);
const BATCH_ID = 'bat_01kbxz0000000000000000000a';

function row(overrides: Partial<KeptRow> = {}): KeptRow {
  return {
    time: T0 + 1_500,
    requestId: 'req_1',
    apiId: 'api_a',
    routeId: 'rte_a',
    serviceId: 'svc_a',
    instance: '127.0.0.1:1',
    consumerId: 'con_a',
    keyId: 'key_a',
    method: 'GET',
    status: 200,
    totalMs: 4,
    upstreamMs: 3,
    bytesIn: 1,
    bytesOut: 10,
    clientIp: null,
    errorCode: null,
    sampled: true,
    ...overrides,
  };
}

function encoded() {
  const rows = [
    row(),
    row({ requestId: 'req_2', status: 429, errorCode: 'GW_QUOTA_EXCEEDED', sampled: false }),
  ];
  const aggregate = aggregateRequests([...rows, row({ requestId: 'req_3', time: T0 + 61_000 })]);
  return JSON.parse(JSON.stringify(encodeAggregateBatch(BATCH_ID, 'dpn_a', aggregate, rows)));
}

describe('aggregate batch codec (v2)', () => {
  it('round-trips cells, error cells, keys last used and marked rows', () => {
    const batch = decodeAnalyticsBatch(encoded());
    expect(batch.events).toBe(3);
    expect(batch.aggregate.rollups.map((c) => [c.m, c.s, c.n, c.e])).toEqual([
      [T0, 2, 1, 0],
      [T0, 4, 1, 1],
      [T0 + 60_000, 2, 1, 0],
    ]);
    expect(batch.aggregate.errors).toEqual([
      { m: T0, a: 'api_a', r: 'rte_a', c: 'con_a', k: 'key_a', code: 'GW_QUOTA_EXCEEDED', n: 1 },
    ]);
    expect(batch.aggregate.keyLastUsed).toEqual([{ id: 'key_a', t: T0 + 61_000 }]);
    expect(batch.rows.map((r) => [r.requestId, r.nodeId, r.sampled])).toEqual([
      ['req_1', 'dpn_a', true],
      ['req_2', 'dpn_a', false],
    ]);
  });

  it("carries an MCP tool call's tool name on its row only, so REST rows keep 17 fields", () => {
    const rows = [row(), row({ requestId: 'req_tool', tool: 'get_order' })];
    const wire = JSON.parse(
      JSON.stringify(encodeAggregateBatch(BATCH_ID, 'dpn_a', aggregateRequests(rows), rows)),
    );
    expect(wire.e.map((t: unknown[]) => t.length)).toEqual([17, 18]);
    const batch = decodeAnalyticsBatch(wire);
    expect(batch.rows.map((r) => [r.requestId, r.tool ?? null])).toEqual([
      ['req_1', null],
      ['req_tool', 'get_order'],
    ]);
    wire.e[1][17] = 99;
    expect(() => decodeAnalyticsBatch(wire)).toThrow(/e\.1\.17: refers to missing string 99/);
  });

  it('refuses a batch whose cells do not add up to the count it claims', () => {
    const payload = encoded();
    payload.n = 4;
    expect(() => decodeAnalyticsBatch(payload)).toThrow(
      new MalformedBatchError(
        'malformed analytics batch at n: says 4 requests but the cells count 3',
      ),
    );
  });

  it('refuses a cell whose histogram does not add up to its count', () => {
    const payload = encoded();
    payload.c[0][10][0] += 1;
    expect(() => decodeAnalyticsBatch(payload)).toThrow(
      /at c\.0\.10: histogram must add up to the count/,
    );
  });

  it('refuses a cell off a minute boundary and a row with a bad sampled flag', () => {
    const offMinute = encoded();
    offMinute.c[0][0] = 5;
    expect(() => decodeAnalyticsBatch(offMinute)).toThrow(/at c\.0\.0: must fall on a minute/);
    const badFlag = encoded();
    badFlag.e[0][16] = 2;
    expect(() => decodeAnalyticsBatch(badFlag)).toThrow(/at e\.0\.16: must be 0 or 1 \(sampled\)/);
  });
});
