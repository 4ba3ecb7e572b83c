import { hashPassword } from '@portico/keys';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, type EchoBody } from './harness';

let gw: GatewayWithUpstream;
const hashes: Record<string, string> = {};

const basicCredential = (
  id: string,
  consumerId: string,
  username: string,
  expiresAt: string | null = null,
) => ({
  id,
  consumerId,
  kind: 'basic' as const,
  identifier: username,
  verifier: hashes[username] ?? '',
  matchBy: null,
  expiresAt,
});

function basic(username: string, password: string) {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function call(authorization?: string) {
  const res = await request(`${gw.url}/basic/x`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const text = await res.body.text();
  const body = JSON.parse(text) as EchoBody & { code?: string; detail?: string };
  return { status: res.statusCode, headers: res.headers, body };
}

/** The gateway's auth counters, read from its /metrics like a dashboard would. */
async function counter(name: string): Promise<number> {
  const res = await request(`${gw.statusUrl}/metrics`);
  const text = await res.body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

beforeAll(async () => {
  for (const [user, password] of [
    ['alice', 'alice password'],
    ['old', 'old password'],
    ['loner', 'loner password'],
    ['carol', 'carol password'],
    ['dave', 'dave password'],
    ['erin', 'erin password'],
  ] as const)
    hashes[user] = await hashPassword(password);
  gw = await startGatewayWithUpstream({
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [apiOf('basic', '/basic', 'svc', { auth: { type: 'basic', realm: 'orders' } })],
      plans: [{ id: 'gold', name: 'gold', apiIds: ['basic'] }],
    }),
    credentials: credentialSet(
      [
        { id: 'con_a', name: 'acme', planId: 'gold' },
        { id: 'con_l', name: 'loner' },
      ],
      {
        credentials: [
          basicCredential('cred_alice', 'con_a', 'alice'),
          basicCredential('cred_old', 'con_a', 'old', new Date(Date.now() - 1000).toISOString()),
          basicCredential('cred_loner', 'con_l', 'loner'),
          basicCredential('cred_carol', 'con_a', 'carol'),
          basicCredential('cred_dave', 'con_a', 'dave'),
          basicCredential('cred_erin', 'con_a', 'erin'),
        ],
      },
    ),
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const CHALLENGE = 'Basic realm="orders", charset="UTF-8"';

describe('basic auth', () => {
  it('admits a valid username and password as its consumer and does not forward the password', async () => {
    const res = await call(basic('alice', 'alice password'));
    expect(res.status).toBe(200);
    expect(res.body.headers['x-consumer-name']).toBe('acme');
    expect(res.body.headers.authorization).toBeUndefined();
  });

  it('refuses a wrong password and an unknown user alike, with the Basic challenge', async () => {
    const runs = await counter('portico_gateway_basic_kdf_runs_total');
    const wrong = await call(basic('alice', 'not the password'));
    const unknown = await call(basic('mallory', 'alice password'));
    // Both cost one scrypt run: timing does not tell an unknown username from a wrong password.
    expect(await counter('portico_gateway_basic_kdf_runs_total')).toBe(runs + 2);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('GW_BASIC_INVALID');
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('answers a request without credentials 401 GW_BASIC_MISSING with the challenge', async () => {
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('GW_BASIC_MISSING');
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
  });

  it('refuses malformed credentials and an expired credential', async () => {
    const malformed = await call('Basic bm8tY29sb24taGVyZQ==');
    expect(malformed.body.code).toBe('GW_BASIC_INVALID');
    expect(malformed.body.detail).toContain('not base64 of "username:password"');
    const expired = await call(basic('old', 'old password'));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('GW_BASIC_INVALID');
    expect(expired.body.detail).toBe('these credentials have expired');
  });

  it('answers 403 for a consumer without a subscription to the API', async () => {
    const res = await call(basic('loner', 'loner password'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('GW_FORBIDDEN');
  });

  it('runs the KDF once for a pair used again and again, served from the cache after', async () => {
    const runsBefore = await counter('portico_gateway_basic_kdf_runs_total');
    const hitsBefore = await counter('portico_gateway_basic_cache_hits_total');
    expect((await call(basic('carol', 'carol password'))).status).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await call(basic('carol', 'carol password'))).status).toBe(200);
    expect(await counter('portico_gateway_basic_kdf_runs_total')).toBe(runsBefore + 1);
    expect(await counter('portico_gateway_basic_cache_hits_total')).toBe(hitsBefore + 10);
  });

  it('collapses concurrent verifications of one pair into one KDF run', async () => {
    const runsBefore = await counter('portico_gateway_basic_kdf_runs_total');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(basic('dave', 'dave password'))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await counter('portico_gateway_basic_kdf_runs_total')).toBe(runsBefore + 1);
  });

  it('refuses a cached pair at once when its credential is revoked or its password changed', async () => {
    expect((await call(basic('erin', 'erin password'))).status).toBe(200);
    expect((await call(basic('alice', 'alice password'))).status).toBe(200);
    const newHash = await hashPassword('alice new password');
    const applied = await gw.feed(undefined, {
      seq: 3,
      changes: [
        { seq: 2, type: 'credential.delete', id: 'cred_erin' },
        {
          seq: 3,
          type: 'credential.upsert',
          credential: { ...basicCredential('cred_alice', 'con_a', 'alice'), verifier: newHash },
        },
      ],
    });
    expect(applied).toBe(true);
    expect((await call(basic('erin', 'erin password'))).body.code).toBe('GW_BASIC_INVALID');
    expect((await call(basic('alice', 'alice password'))).body.code).toBe('GW_BASIC_INVALID');
    expect((await call(basic('alice', 'alice new password'))).status).toBe(200);
  });
});
