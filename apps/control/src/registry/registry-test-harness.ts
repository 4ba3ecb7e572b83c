import { randomBytes } from 'node:crypto';
import { type RegisterRequest, registryInstancePath } from '@portico/config';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { createMachineToken } from '../testing/machine-tokens';
import { builtinRegistryPlugin } from './plugin';

export interface RegistryHarness {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT of the listening control app. */
  url: string;
  redis: Redis;
  db: Db;
  keyPrefix: string;
  tokens: { register: string; read: string; both: string; revoked: string; dataplane: string };
  /** Takes the control app down (the port stops answering); Redis state stays. */
  stopServer(): Promise<void>;
  /** Brings a fresh control app up on the same port. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

async function createToken(
  db: Db,
  kind: 'registry' | 'dataplane',
  scopes: string[],
  revoked = false,
): Promise<string> {
  const token = await createMachineToken(db, {
    kind,
    name: `test ${scopes.join('+')}`,
    scopes,
    revoked,
  });
  return token.clear;
}

/** A real control app with only the registry plugin, on real Redis (random prefix) and Postgres. */
export async function startRegistryHarness(
  options: { sweepIntervalMs?: number } = {},
): Promise<RegistryHarness> {
  const database = await createTestDatabase({ maxConnections: 2 });
  const db = database.db;
  const tokens = {
    register: await createToken(db, 'registry', ['register']),
    read: await createToken(db, 'registry', ['read']),
    both: await createToken(db, 'registry', ['register', 'read']),
    revoked: await createToken(db, 'registry', ['register', 'read'], true),
    dataplane: await createToken(db, 'dataplane', ['register', 'read']),
  };
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const build = async (port: number) => {
    const app = Fastify({ logger: false, genReqId: () => `req_${randomBytes(8).toString('hex')}` });
    // The host app's own 404, as server.ts will have: the registry must not clash with it.
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ host: 'not found' }));
    await app.register(builtinRegistryPlugin, {
      redis,
      db,
      keyPrefix,
      sweepIntervalMs: options.sweepIntervalMs ?? 200,
    });
    const url = await app.listen({ host: '127.0.0.1', port });
    return { app, url };
  };
  const built = await build(0);
  let app = built.app;
  const url = built.url;
  let running = true;
  const port = Number(new URL(url).port);
  return {
    get app() {
      return app;
    },
    url,
    redis,
    db,
    keyPrefix,
    tokens,
    async stopServer() {
      if (running) await app.close();
      running = false;
    },
    async startServer() {
      ({ app } = await build(port));
      running = true;
    },
    async close() {
      if (running) await app.close();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Registers (or heartbeats) an instance on 127.0.0.1 with the harness's register token. */
export function registerInstance(
  h: RegistryHarness,
  instance: { service: string; id: string } & Omit<RegisterRequest, 'address'>,
): Promise<Response> {
  const { service, id, ...body } = instance;
  return fetch(`${h.url}${registryInstancePath(service, id)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${h.tokens.register}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address: '127.0.0.1', ...body } satisfies RegisterRequest),
  });
}
