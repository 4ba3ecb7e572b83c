import { createTestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { createMachineToken } from '../testing/machine-tokens';
import { RegistryTokenVerifier, TokenStoreUnavailable } from './registry-auth';

describe('registry token verifier on real Postgres', () => {
  it('keeps accepting a known token while Postgres is gone, and says so plainly for unknown ones', async () => {
    const database = await createTestDatabase({ maxConnections: 1 });
    const secret = await createMachineToken(database.db, {
      kind: 'registry',
      name: 'svc',
      scopes: ['register'],
      id: 'mtk_auth1',
    });
    let now = 1_000_000;
    const verifier = new RegistryTokenVerifier(database.db, () => now);
    expect(await verifier.check(`Bearer ${secret.clear}`, 'register')).toEqual({ ok: true });
    expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toMatchObject({
      ok: false,
      code: 'REG_FORBIDDEN',
    });

    await database.drop();
    now += 60_000; // past the cache period: the verifier has to ask Postgres, which is gone
    expect(await verifier.check(`Bearer ${secret.clear}`, 'register')).toEqual({ ok: true });
    const unknown = generateSecret('registryToken');
    await expect(verifier.check(`Bearer ${unknown.clear}`, 'register')).rejects.toBeInstanceOf(
      TokenStoreUnavailable,
    );
  });

  it('stops accepting a revoked token once the cache period has passed', async () => {
    const database = await createTestDatabase({ maxConnections: 1 });
    try {
      const secret = await createMachineToken(database.db, {
        kind: 'registry',
        name: 'svc',
        scopes: ['read'],
        id: 'mtk_auth2',
      });
      let now = 1_000_000;
      const verifier = new RegistryTokenVerifier(database.db, () => now);
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toEqual({ ok: true });
      await database.db.machineToken.update({
        where: { id: 'mtk_auth2' },
        data: { revokedAt: new Date() },
      });
      now += 10_000;
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toEqual({ ok: true });
      now += 30_000;
      expect(await verifier.check(`Bearer ${secret.clear}`, 'read')).toMatchObject({
        ok: false,
        code: 'REG_UNAUTHORIZED',
      });
    } finally {
      await database.drop();
    }
  });
});
