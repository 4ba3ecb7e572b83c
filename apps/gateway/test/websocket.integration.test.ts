import { once } from 'node:events';
import { generateSecret } from '@portico/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf } from './harness';

const key = generateSecret('apiKey');
let gw: GatewayWithUpstream;
let upgradeHeaders: Record<string, string | string[] | undefined> = {};

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    upstream: (_req, res) => res.end('plain'),
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [apiOf('ws', '/ws', 'svc', { auth: { type: 'key' } })],
      plans: [{ id: 'p', name: 'p', apiIds: ['ws'] }],
    }),
    credentials: credentialSet([{ id: 'con_ws', name: 'socketeer', key, planId: 'p' }]),
  });
  const wss = new WebSocketServer({ server: gw.upstream.server });
  wss.on('connection', (socket, req) => {
    upgradeHeaders = req.headers;
    socket.on('message', (data) => socket.send(`echo:${data.toString()}:${req.url}`));
  });
});
afterAll(async () => {
  await gw.close();
});

describe('WebSocket proxying', () => {
  it('upgrades through the gateway with key auth, strips the base path and relays frames both ways', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/chat?room=1`, {
      headers: { 'x-api-key': key.clear },
    });
    await once(client, 'open');
    client.send('hello');
    const [reply] = await once(client, 'message');
    expect(String(reply)).toBe('echo:hello:/chat?room=1');
    expect(upgradeHeaders['x-consumer-id']).toBe('con_ws');
    expect(upgradeHeaders['x-api-key']).toBeUndefined();
    client.close();
    await once(client, 'close');
  });

  it('refuses an upgrade without a valid key with 401 problem+json', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/chat`);
    // ws reports the refused handshake as an error too once the socket is torn down.
    client.on('error', () => undefined);
    const [, response] = (await once(client, 'unexpected-response')) as [
      unknown,
      import('node:http').IncomingMessage,
    ];
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    let body = '';
    for await (const chunk of response) body += String(chunk);
    expect(JSON.parse(body).code).toBe('GW_KEY_MISSING');
    client.terminate();
  });
});
