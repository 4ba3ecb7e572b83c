import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialSetInput } from '@portico/config';
import { expect } from 'vitest';
import type { Limiter } from '../src/limits/limiter-types';
import { type ShopServer, startShopServer } from './grpc-support';
import {
  echoHandler,
  published,
  service,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

/** What a gateway is fed before its first request: config version 1 and its credentials. */
export interface FirstConfig {
  jwtSecrets?: Record<string, string>;
  credentials?: { seq: number; set: CredentialSetInput };
  limiter?: Limiter;
}

/**
 * A gateway with no control plane, fed version 1 of `snapshot` (as the control plane would
 * publish it) and returned once it applied it: how most proxy tests begin.
 */
export async function startFedGateway(
  options: FirstConfig & { snapshot: Record<string, unknown> },
): Promise<TestGateway> {
  const gw = await startGateway({ limiter: options.limiter ?? null });
  const applied = await gw.feed(
    published(1, options.snapshot, options.jwtSecrets),
    options.credentials,
  );
  const refusal = gw.gateway.runtime.lastRefusal;
  if (!applied) await gw.close();
  expect(applied, `version 1 refused: ${refusal}`).toBe(true);
  return gw;
}

/** A fed gateway and the upstream server its first config points at; `close` stops both. */
export interface GatewayWithUpstream extends TestGateway {
  upstream: Upstream;
}

/**
 * A real upstream (the echo handler unless one is given) and a gateway fed version 1 of a
 * snapshot built around that upstream's address.
 */
export async function startGatewayWithUpstream(
  options: FirstConfig & {
    upstream?: (req: IncomingMessage, res: ServerResponse) => void;
    snapshot(upstream: Upstream): Record<string, unknown>;
  },
): Promise<GatewayWithUpstream> {
  const upstream = await startUpstream(options.upstream ?? echoHandler);
  const gw = await startFedGateway({ ...options, snapshot: options.snapshot(upstream) }).catch(
    async (error: unknown) => {
      await upstream.close();
      throw error;
    },
  );
  return {
    ...gw,
    upstream,
    async close() {
      await gw.close();
      await upstream.close();
    },
  };
}

/** A snapshot service whose targets are the given servers on loopback. */
export function loopbackService(
  id: string,
  servers: readonly { port: number }[],
  extra: Record<string, unknown> = {},
) {
  return service(
    id,
    servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    extra,
  );
}

/**
 * The shop gRPC server (started with `shopArgs`), then a gateway fed version 1 of the snapshot
 * `snapshotOf` builds around it: how gRPC tests whose snapshot needs the server's port begin.
 */
export async function startShopBehindGateway(
  snapshotOf: (shop: ShopServer) => Record<string, unknown>,
  ...shopArgs: Parameters<typeof startShopServer>
): Promise<{ shop: ShopServer; gw: TestGateway }> {
  const shop = await startShopServer(...shopArgs);
  try {
    return { shop, gw: await startFedGateway({ snapshot: snapshotOf(shop) }) };
  } catch (error) {
    await shop.close();
    throw error;
  }
}
