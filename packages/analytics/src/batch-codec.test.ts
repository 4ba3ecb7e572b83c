import { newId } from '@portico/id';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, MalformedBatchError } from './batch-codec';
import { sampleEvent } from './test-events';

describe('batch codec v1', () => {
  it('round-trips events exactly, nulls and error codes included', () => {
    const events = [
      sampleEvent({ time: 1_000_500, requestId: 'req_a' }),
      sampleEvent({
        time: 1_000_000,
        requestId: 'req_b',
        apiId: null,
        routeId: null,
        serviceId: null,
        instance: null,
        consumerId: null,
        keyId: null,
        upstreamMs: null,
        clientIp: null,
        status: 401,
        errorCode: 'GW_KEY_INVALID',
      }),
    ];
    const id = newId('batch');
    const decoded = decodeBatch(JSON.parse(JSON.stringify(encodeBatch(id, 'dpn_test', events))));
    expect(decoded).toEqual({ id, nodeId: 'dpn_test', events });
  });

  it('stores each repeated id once in the string table', () => {
    const events = Array.from({ length: 50 }, (_, i) => sampleEvent({ requestId: `req_${i}` }));
    const encoded = encodeBatch(newId('batch'), 'dpn_test', events);
    expect(encoded.s).toEqual([
      'api_one',
      'rte_one',
      'svc_one',
      '127.0.0.1:9001',
      'con_one',
      'key_one',
      'GET',
    ]);
    const perEvent = JSON.stringify(encoded).length / events.length;
    expect(perEvent).toBeLessThan(JSON.stringify(sampleEvent()).length / 2);
  });

  it('rejects a payload of another version, naming the field', () => {
    const encoded = { ...encodeBatch(newId('batch'), 'dpn_test', [sampleEvent()]), v: 2 };
    expect(() => decodeBatch(encoded)).toThrow(MalformedBatchError);
    expect(() => decodeBatch(encoded)).toThrow(/at v:/);
  });

  it('rejects garbage, a missing string index and an out-of-range status', () => {
    expect(() => decodeBatch('not a batch')).toThrow(MalformedBatchError);
    const good = encodeBatch(newId('batch'), 'dpn_test', [sampleEvent()]);
    const badIndex = structuredClone(good);
    const tuple = badIndex.e[0];
    if (!tuple) throw new Error('fixture has one event');
    tuple[2] = 99;
    expect(() => decodeBatch(badIndex)).toThrow(/e\.0: apiId refers to missing string 99/);
    const badStatus = structuredClone(good);
    const statusTuple = badStatus.e[0];
    if (!statusTuple) throw new Error('fixture has one event');
    statusTuple[9] = 42;
    expect(() => decodeBatch(badStatus)).toThrow(/e\.0\.status/);
  });

  it('carries the MCP tool of tool calls only, and reads tuples written without it', () => {
    const rest = sampleEvent({ requestId: 'req_rest' });
    const toolCall = sampleEvent({ requestId: 'req_tool', tool: 'get_order' });
    const encoded = encodeBatch(newId('batch'), 'dpn_test', [rest, toolCall]);
    expect(encoded.e[0]).toHaveLength(16);
    expect(encoded.e[1]).toHaveLength(17);
    const decoded = decodeBatch(JSON.parse(JSON.stringify(encoded)));
    expect(decoded.events).toEqual([rest, toolCall]);
    const badTool = structuredClone(encoded);
    const tuple = badTool.e[1];
    if (!tuple) throw new Error('fixture has two events');
    tuple[16] = 99;
    expect(() => decodeBatch(badTool)).toThrow(/e\.1: tool refers to missing string 99/);
  });

  it('rejects an event that is not a 16- or 17-field tuple', () => {
    const good = encodeBatch(newId('batch'), 'dpn_test', [sampleEvent()]);
    expect(() => decodeBatch({ ...good, e: [[1, 2, 3]] })).toThrow(
      /e\.0: must be a 16- or 17-field event tuple/,
    );
    expect(() => decodeBatch({ ...good, e: ['x'] })).toThrow(MalformedBatchError);
  });

  it('rejects an empty batch and a bad batch id', () => {
    const good = encodeBatch(newId('batch'), 'dpn_test', [sampleEvent()]);
    expect(() => decodeBatch({ ...good, e: [] })).toThrow(/at e:/);
    expect(() => decodeBatch({ ...good, id: 'job-1' })).toThrow(/at id:/);
  });
});
