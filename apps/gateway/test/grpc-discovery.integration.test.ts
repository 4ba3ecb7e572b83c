import type { Client, ServiceError } from '@grpc/grpc-js';
import { type Registration, register } from '@portico/register';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopClient, unaryCall } from './grpc-client-support';
import { grpcService, type ShopServer, startShopServer } from './grpc-support';
import type { TestGateway } from './harness';
import { type RegistryControlPlane, startRegistryControlPlane } from './registry-control-plane';
import { builtinRegistry, startGatewayFollowing } from './traffic-support';

/**
 * gRPC instances found through the built-in registry (real control plane on real Postgres and
 * Redis), one of them shut down hard while a steady client calls through the transcoder.
 */
describe('transcoded gRPC calls with instances from the built-in registry', () => {
  let registry: RegistryControlPlane;
  let gw: TestGateway;
  const servers: ShopServer[] = [];
  const registrations: Registration[] = [];

  beforeAll(async () => {
    registry = await startRegistryControlPlane('grpc test');
    const { tokens } = registry;
    const controlUrl = registry.control.url;
    for (const name of ['shop-a', 'shop-b', 'shop-c']) {
      const server = await startShopServer(name);
      servers.push(server);
      registrations.push(
        await register({
          controlUrl,
          token: tokens.register,
          service: 'shop',
          instanceId: name,
          address: '127.0.0.1',
          port: server.port,
          ttlSeconds: 3,
          handleSignals: false,
          onError: () => undefined,
        }),
      );
    }
    gw = await startGatewayFollowing({
      registry: builtinRegistry(controlUrl),
      secrets: { token: tokens.read },
      service: {
        ...grpcService('svc_shop', []),
        healthCheck: { passive: { consecutiveFailures: 1, baseEjectionMs: 10_000 } },
      },
      registeredAs: 'shop',
      api: { id: 'api_shop', basePath: '/shop' },
      instances: 3,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(registrations.map((r) => r.deregister()));
    for (const server of servers) server.kill();
    await gw?.close();
    await registry?.close();
  }, 60_000);

  it('loses no call when an instance is shut down hard mid-run', async () => {
    const results: Array<{ status: number; servedBy: string | null; sentAt: number }> = [];
    const victim = servers[0] as ShopServer;
    let killedAt = 0;
    const concurrency = 4;
    const perWorker = 60;
    const worker = async (w: number) => {
      for (let i = 0; i < perWorker; i++) {
        if (w === 0 && i === perWorker / 3) {
          victim.kill();
          killedAt = Date.now();
        }
        const sentAt = Date.now();
        const res = await request(`${gw.url}/shop/v1/orders/${w * 1000 + i}`);
        const body = (await res.body.json()) as { servedBy?: string };
        results.push({ status: res.statusCode, servedBy: body.servedBy ?? null, sentAt });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const failed = results.filter((r) => r.status !== 200);
    console.log(
      `grpc builtin: ${results.length} calls, ${failed.length} failed, served by ${[...new Set(results.map((r) => r.servedBy))].join(', ')}`,
    );
    expect(failed).toEqual([]);
    expect(results).toHaveLength(concurrency * perWorker);
    // Calls sent after the shutdown all went to the survivors.
    expect(new Set(results.filter((r) => r.sentAt > killedAt).map((r) => r.servedBy))).toEqual(
      new Set(['shop-b', 'shop-c']),
    );
  }, 60_000);

  it('passes gRPC clients through to the discovered instances, losing no call when another is shut down', async () => {
    const victim = servers[1] as ShopServer;
    const results: Array<{ error: ServiceError | null; servedBy: string; sentAt: number }> = [];
    let killedAt = Number.POSITIVE_INFINITY;
    const clients: Client[] = [];
    const worker = async (w: number) => {
      const client = shopClient(gw.port);
      clients.push(client);
      for (let i = 0; i < 40; i++) {
        if (w === 0 && i === 10) {
          victim.kill();
          killedAt = Date.now();
        }
        const sentAt = Date.now();
        const { error, response } = await unaryCall(client, 'GetOrder', { id: String(i) });
        results.push({ error, servedBy: String(response?.servedBy ?? ''), sentAt });
      }
    };
    await Promise.all(Array.from({ length: 4 }, (_, w) => worker(w)));
    for (const client of clients) client.close();
    expect(results.filter((r) => r.error !== null)).toEqual([]);
    // The instance killed in the previous test is gone; after this kill only shop-c is left.
    expect(new Set(results.filter((r) => r.sentAt > killedAt).map((r) => r.servedBy))).toEqual(
      new Set(['shop-c']),
    );
  }, 60_000);
});
