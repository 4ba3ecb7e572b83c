import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildControlServer, type ControlServerDeps } from '../src/server';

/** What a test must give: its database; everything else has a test default it may override. */
export type TestControlServerDeps = Pick<ControlServerDeps, 'db'> & Partial<ControlServerDeps>;

/** The control plane's HTTP server with those test defaults, not yet listening (for `inject`). */
export function testControlServer(deps: TestControlServerDeps): Promise<FastifyInstance> {
  return buildControlServer({
    secretKey: randomBytes(32),
    sessionSigningKey: randomBytes(32),
    consoleOrigins: [],
    cookieSecure: false,
    ...deps,
  });
}

/**
 * The control plane's HTTP server on a loopback port, with fresh random keys, no allowed console
 * origins and plain-HTTP cookies unless the test says otherwise. The caller closes `app`.
 */
export async function listeningControlServer(
  deps: TestControlServerDeps,
): Promise<{ app: FastifyInstance; base: string }> {
  const app = await testControlServer(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
