import { connect as connectTcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf } from './harness';

/**
 * The plain proxy listener tells HTTP/2 with prior knowledge (h2c) from HTTP/1.1 by the first
 * bytes of each connection, however they are split.
 */
let gw: GatewayWithUpstream;

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    snapshot: (upstream) => ({
      services: [loopbackService('echo', [upstream])],
      apis: [apiOf('echo-api', '/echo', 'echo')],
    }),
  });
});
afterAll(async () => {
  await gw?.close();
});

/** Writes `pieces` one per event-loop turn and collects the answer up to `bytes` (or the close). */
function trickle(port: number, pieces: (string | Buffer)[], bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let size = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes) {
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.once('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        // Apart in time so they arrive as separate reads (not a wait for an outcome).
        await new Promise((r) => setTimeout(r, 20));
      }
    });
  });
}

describe('the plain proxy listener', () => {
  it('tells HTTP/2 from HTTP/1.1 when the first bytes arrive in pieces', async () => {
    // The preface split mid-way, then an empty SETTINGS frame: the HTTP/2 server answers SETTINGS.
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const h2 = await trickle(gw.port, [preface.subarray(0, 3), preface.subarray(3), settings], 9);
    expect(h2[3]).toBe(4); // frame type SETTINGS
    // "P" is also how POST, PUT and PATCH begin: one byte alone decides nothing.
    const h1 = await trickle(
      gw.port,
      [
        'P',
        'OST /echo/split HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi',
      ],
      Number.POSITIVE_INFINITY,
    );
    expect(h1.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(h1.toString('latin1')).toContain('"url":"/split"');
  });
});
