import { describe, expect, it } from 'vitest';
import { classifyMessage, JSON_RPC, refusalMessage } from './json-rpc';

describe('JSON-RPC messages at the MCP endpoint', () => {
  it('tells requests from notifications and client responses', () => {
    expect(classifyMessage({ jsonrpc: '2.0', id: 7, method: 'tools/list' })).toEqual({
      kind: 'request',
      request: { id: 7, method: 'tools/list', params: {} },
    });
    expect(classifyMessage({ jsonrpc: '2.0', method: 'notifications/initialized' })).toEqual({
      kind: 'notification',
    });
    expect(classifyMessage({ jsonrpc: '2.0', id: 'a', result: {} })).toEqual({
      kind: 'notification',
    });
  });

  it.each([
    [[{ jsonrpc: '2.0', id: 1, method: 'ping' }], 'batches are not supported'],
    [{ id: 1, method: 'ping' }, 'expected a JSON-RPC 2.0 object'],
    [{ jsonrpc: '2.0', id: 1 }, '"method" must be a string'],
    [{ jsonrpc: '2.0', id: { x: 1 }, method: 'ping' }, '"id" must be a string or number'],
    [{ jsonrpc: '2.0', id: 1, method: 'ping', params: [1] }, '"params" must be an object'],
  ])('refuses %j naming the problem', (message, problem) => {
    const result = classifyMessage(message);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.message).toContain(problem);
  });

  it('carries the REST problem as the data of a refusal', () => {
    const refusal = JSON.parse(
      refusalMessage(3, 'GW_RATE_LIMITED', 'rate limit of 3 per minute reached', 'req_1', {
        'Retry-After': '20',
      }),
    );
    expect(refusal).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: JSON_RPC.GATEWAY_REFUSED,
        message: 'Rate limit exceeded: rate limit of 3 per minute reached',
        data: {
          type: 'https://portico.dev/errors/GW_RATE_LIMITED',
          title: 'Rate limit exceeded',
          status: 429,
          code: 'GW_RATE_LIMITED',
          detail: 'rate limit of 3 per minute reached',
          requestId: 'req_1',
          headers: { 'Retry-After': '20' },
        },
      },
    });
  });
});
