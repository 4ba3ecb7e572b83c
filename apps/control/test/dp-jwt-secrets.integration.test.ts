import { randomBytes } from 'node:crypto';
import { type SyncResponse, snapshotHash, ZSyncResponse } from '@portico/config';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { TRPCError } from '@trpc/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeFeed, createChangeFeed } from '../src/dp/change-feed';
import { dataPlaneSyncPlugin } from '../src/dp/plugin';
import { createMachineToken } from '../src/testing/machine-tokens';
import { ownerCaller } from './owner-caller';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let feed: ChangeFeed;
let app: FastifyInstance;
let baseUrl: string;
let dpToken: string;
const secretKey = randomBytes(32);
const SECRET_NAME = 'partner-hs256';
const FIRST_VALUE = `first-${randomBytes(24).toString('hex')}`;
const SECOND_VALUE = `second-${randomBytes(24).toString('hex')}`;

const caller = () => ownerCaller(db, secretKey, 'usr_jwt_test_owner');

async function dataPlaneToken(): Promise<string> {
  const token = await createMachineToken(db, { kind: 'dataplane', name: 'jwt-secrets-test' });
  return token.clear;
}

/** One poll over real HTTP, answered at once (waitSeconds 0): 200 with a body, or 204. */
async function poll(query: { version: number; hash?: string; seq: number }): Promise<{
  status: number;
  text: string;
  body: SyncResponse | null;
}> {
  const params = new URLSearchParams({
    version: String(query.version),
    seq: String(query.seq),
    waitSeconds: '0',
  });
  if (query.hash !== undefined) params.set('hash', query.hash);
  const response = await fetch(`${baseUrl}/dp/v1/config?${params}`, {
    headers: { authorization: `Bearer ${dpToken}`, 'x-portico-node-id': 'gw-jwt-1' },
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: response.status === 200 ? ZSyncResponse.parse(JSON.parse(text)) : null,
  };
}

async function currentSeq(): Promise<number> {
  return Number((await db.credentialChange.aggregate({ _max: { seq: true } }))._max.seq ?? 0n);
}

const documentWith = (secretRef: string) => ({
  services: [{ name: 'partners', targets: ['127.0.0.1:9502'] }],
  apis: [
    {
      name: 'partner-api',
      basePath: '/partner',
      service: 'partners',
      auth: { type: 'jwt', secretRef, algorithms: ['HS256'] },
    },
  ],
});

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  feed = createChangeFeed(database.url);
  await feed.ready;
  app = Fastify({ logger: false });
  await app.register(dataPlaneSyncPlugin, { db, changeFeed: feed, secretKey });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  dpToken = await dataPlaneToken();
});

afterAll(async () => {
  await app?.close();
  await feed?.close();
  await database?.drop();
});

describe('jwt secrets over GET /dp/v1/config', () => {
  it('a declarative document naming an unknown secret publishes nothing and writes nothing', async () => {
    let caught: unknown = null;
    try {
      await caller().config.applyDocument({
        document: documentWith('not-created-yet'),
        message: 'too early',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TRPCError);
    expect((caught as TRPCError).code).toBe('BAD_REQUEST');
    expect((caught as TRPCError).message).toContain(
      'apis.partner-api.auth.secretRef: no secret named not-created-yet',
    );
    expect(await db.configVersion.count()).toBe(0);
    expect(await db.api.count()).toBe(0);
    expect(await db.service.count()).toBe(0);
  });

  it('a gateway receives secrets.jwtSecrets[secretRef] for a published jwt API, never inside the snapshot', async () => {
    await caller().secrets.create({ name: SECRET_NAME, value: FIRST_VALUE });
    await caller().config.applyDocument({ document: documentWith(SECRET_NAME), message: 'jwt' });

    const answer = await poll({ version: 0, seq: 0 });
    expect(answer.status).toBe(200);
    const config = answer.body?.config;
    expect(config?.version).toBe(1);
    expect(config?.secrets.jwtSecrets).toEqual({ [SECRET_NAME]: FIRST_VALUE });
    expect(JSON.stringify(config?.snapshot)).not.toContain(FIRST_VALUE);
    const api = config?.snapshot.apis.find((a) => a.name === 'partner-api');
    expect(api?.auth).toMatchObject({ type: 'jwt', secretRef: SECRET_NAME });
    expect(api?.jwtSecretFingerprint).toMatch(/^[0-9a-f]{16}$/);
    // Gateways recompute the hash over the snapshot they parsed and refuse a mismatch.
    expect(config && snapshotHash(config.snapshot)).toBe(config?.hash);
    // The value crosses the wire only in the secrets map: once in the whole response body.
    expect(answer.text.split(FIRST_VALUE).length - 1).toBe(1);
  });

  it('a rotation reaches a gateway already on the latest version with the next publish', async () => {
    const latest = await db.configVersion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const position = { version: latest.number, hash: latest.hash, seq: await currentSeq() };
    expect((await poll(position)).status).toBe(204);

    await caller().secrets.update({ name: SECRET_NAME, value: SECOND_VALUE });
    // Documented behaviour: rotation alone does not change the published version.
    expect((await poll(position)).status).toBe(204);

    const published = await caller().config.publish({ message: 'rotate partner secret' });
    expect(published.number).toBe(latest.number + 1);
    const answer = await poll(position);
    expect(answer.status).toBe(200);
    expect(answer.body?.config?.version).toBe(published.number);
    expect(answer.body?.config?.secrets.jwtSecrets).toEqual({ [SECRET_NAME]: SECOND_VALUE });
    expect(answer.text).not.toContain(FIRST_VALUE);
  });

  it('an API without a secretRef gets no jwt secrets at all', async () => {
    await caller().secrets.create({ name: 'unused-secret', value: `u-${'z'.repeat(40)}` });
    const answer = await poll({ version: 0, seq: 0 });
    expect(Object.keys(answer.body?.config?.secrets.jwtSecrets ?? {})).toEqual([SECRET_NAME]);
  });
});
