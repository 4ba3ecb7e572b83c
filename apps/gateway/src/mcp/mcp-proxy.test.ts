import { describe, expect, it } from 'vitest';
import { replyFor } from './mcp-proxy';

describe('reading an MCP server reply', () => {
  it('finds the reply to a request in an event stream, past notifications', () => {
    const stream = [
      'event: message',
      'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}',
      '',
      'id: 2',
      'event: message',
      'data: {"jsonrpc":"2.0","id":5,',
      'data:  "result":{"tools":[]}}',
      '',
      '',
    ].join('\n');
    expect(replyFor('text/event-stream', stream, 5)).toEqual({
      jsonrpc: '2.0',
      id: 5,
      result: { tools: [] },
    });
    expect(replyFor('text/event-stream', stream, 6)).toBeNull();
  });

  it('reads a JSON reply, and gives up on a body that is not JSON', () => {
    expect(replyFor('application/json', '{"jsonrpc":"2.0","id":"a","result":{}}', 'a')).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      result: {},
    });
    expect(replyFor('application/json', '<html>', 'a')).toBeNull();
  });
});
