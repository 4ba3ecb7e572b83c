import { connect as connectHttp2 } from 'node:http2';
import type { Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFedGateway } from './fed-gateway';
import { heldByBackpressure, shopClient, unaryCall } from './grpc-client-support';
import { compiledShopSchema, grpcService, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, eventually, type TestGateway } from './harness';

/**
 * gRPC calls passed through to a service of two instances (static targets) on a host-routed
 * API at base path `/`: HTTP/2 flow control holding the server for a client that does not read,
 * and calls going on without failures while one instance is shut down hard mid-run.
 */
const watchRequest = compiledShopSchema().root.lookupType('shop.v1.WatchRequest');

let pairA: ShopServer;
let pairB: ShopServer;
let gw: TestGateway;
const clients: Client[] = [];

beforeAll(async () => {
  [pairA, pairB] = await Promise.all([startShopServer('pair-a'), startShopServer('pair-b')]);
  gw = await startFedGateway({
    snapshot: {
      services: [
        grpcService('pair', [pairA.port, pairB.port], {
          healthCheck: { passive: { consecutiveFailures: 1, baseEjectionMs: 60_000 } },
        }),
      ],
      apis: [apiOf('pair-api', '/', 'pair', { hosts: ['pair.test'] })],
    },
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.close();
  await Promise.all([pairA, pairB].map((s) => s?.close()));
});

describe('gRPC pass-through to a service of two instances', () => {
  it('holds the server while the client does not read, then delivers the whole stream', async () => {
    const count = 2000;
    const size = 64 * 1024; // 125 MiB if anything buffered it whole
    // The pair service: no total timeout cutting the stream while it is held.
    const sent = () => pairA.state.sent + pairB.state.sent;
    // A raw HTTP/2 client: grpc-js reads a stream whole whether or not anyone consumes it.
    const session = connectHttp2(gw.url);
    const message = Buffer.from(watchRequest.encode({ count, size }).finish());
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/shop.v1.Orders/Watch',
      'content-type': 'application/grpc',
      te: 'trailers',
      ':authority': 'pair.test',
    });
    stream.end(frame);
    stream.pause();
    await eventually(() => sent() > 0, 5000, 'stream start');
    await heldByBackpressure(sent);
    expect(sent()).toBeLessThan(count / 4);
    let received = 0;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const trailers = new Promise<Record<string, unknown>>((resolve) =>
      stream.once('trailers', resolve),
    );
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));
    session.close();
    expect((await trailers)['grpc-status']).toBe('0');
    // Each message: 5 bytes of framing, seq (2–3 bytes) and the pad (4 + size bytes).
    expect(received).toBeGreaterThan(count * size);
    expect(sent()).toBe(count);
  }, 30_000);

  it('loses no call and moves new calls to the live instance when one is killed mid-run', async () => {
    const concurrency = 4;
    const perWorker = 40;
    const results: { ok: boolean; servedBy: string; sentAt: number; code: number | null }[] = [];
    let killedAt = Number.POSITIVE_INFINITY;
    const worker = async (w: number) => {
      const c = shopClient(gw.port, { 'grpc.default_authority': 'pair.test' });
      clients.push(c);
      for (let i = 0; i < perWorker; i++) {
        if (w === 0 && i === perWorker / 4) {
          pairA.kill();
          killedAt = Date.now();
        }
        const sentAt = Date.now();
        const result = await unaryCall(c, 'GetOrder', { id: String(w * 1000 + i) });
        results.push({
          ok: result.error === null,
          servedBy: String(result.response?.servedBy ?? ''),
          sentAt,
          code: result.error?.code ?? null,
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const failed = results.filter((r) => !r.ok);
    console.log(
      `grpc pass-through: ${results.length} calls, ${failed.length} failed (codes ${failed.map((f) => f.code).join(',')})`,
    );
    expect(failed).toEqual([]);
    expect(new Set(results.filter((r) => r.sentAt < killedAt).map((r) => r.servedBy))).toEqual(
      new Set(['pair-a', 'pair-b']),
    );
    expect(new Set(results.filter((r) => r.sentAt > killedAt).map((r) => r.servedBy))).toEqual(
      new Set(['pair-b']),
    );
  }, 60_000);
});
