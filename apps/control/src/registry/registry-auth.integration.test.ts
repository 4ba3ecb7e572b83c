import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { createMachineToken } from '../testing/machine-tokens';
import { RegistryTokenVerifier, TokenStoreUnavailable } from './registry-auth';

/** A verifier on a clock the test moves, and a registry token `svc` with `scopes` it checks. */
async function verifierWithToken(db: Db, scopes: string[]) {
  const secret = await createMachineToken(db, { kind: 'registry', name: 'svc', scopes });
  const clock = { now: 1_000_000 };
  const verifier = new RegistryTokenVerifier(db, () => clock.now);
  return { secret, clock, verifier };
}

describe('registry token verifier on real Postgres', () => {
  it('keeps accepting a known token while Postgres is gone, and says so plainly for unknown ones', async () => {
    const database = await createTestDatabase({ maxConnections: 1 });
    const { secret, clock, verifier } = await verifierWithToken(database.db, ['register']);
    expect(await verifier.check(`Bearer ${secret.clear}`, 'register')).toEqual({ ok: true });
    expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toMatchObject({
      ok: false,
      code: 'REG_FORBIDDEN',
    });

    await database.drop();
    clock.now += 60_000; // past the cache period: the verifier has to ask Postgres, which is gone
    expect(await verifier.check(`Bearer ${secret.clear}`, 'register')).toEqual({ ok: true });
    const unknown = generateSecret('registryToken');
    await expect(verifier.check(`Bearer ${unknown.clear}`, 'register')).rejects.toBeInstanceOf(
      TokenStoreUnavailable,
    );
  });

  it('stops accepting a revoked token once the cache period has passed', async () => {
    const database = await createTestDatabase({ maxConnections: 1 });
    try {
      const { secret, clock, verifier } = await verifierWithToken(database.db, ['read']);
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toEqual({ ok: true });
      await database.db.machineToken.update({
        where: { id: secret.id },
        data: { revokedAt: new Date() },
      });
      clock.now += 10_000;
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toEqual({ ok: true });
      clock.now += 30_000;
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toMatchObject({
        ok: false,
        code: 'REG_UNAUTHORIZED',
      });
    } finally {
      await database.drop();
    }
  });
});
