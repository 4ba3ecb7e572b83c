import type { CredentialSecret } from '@portico/config';
import { hashPassword } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { authMetrics } from './auth-metrics';
import { PasswordVerifications, VERIFIER_BUSY } from './password-verifications';

async function credential(password: string): Promise<CredentialSecret> {
  return {
    id: 'cred_1',
    consumerId: 'con_1',
    kind: 'basic',
    identifier: 'alice',
    verifier: await hashPassword(password),
    matchBy: null,
    expiresAt: null,
  };
}

describe('password verifications', () => {
  it('caches verdicts (right and wrong) and keys them by the stored hash', async () => {
    const verifications = new PasswordVerifications();
    const alice = await credential('alice password');
    const runs = authMetrics.basicKdfRuns;
    expect(await verifications.verify(alice, 'alice password', Date.now())).toBe(true);
    expect(verifications.verify(alice, 'alice password', Date.now())).toBe(true);
    expect(await verifications.verify(alice, 'wrong', Date.now())).toBe(false);
    expect(verifications.verify(alice, 'wrong', Date.now())).toBe(false);
    expect(authMetrics.basicKdfRuns).toBe(runs + 2);
    const changed = { ...alice, verifier: await hashPassword('new password') };
    expect(await verifications.verify(changed, 'alice password', Date.now())).toBe(false);
  });

  it('re-verifies once a verdict is older than its TTL', async () => {
    const verifications = new PasswordVerifications();
    const alice = await credential('alice password');
    await verifications.verify(alice, 'alice password', Date.now());
    const later = verifications.verify(alice, 'alice password', Date.now() + 61_000);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(true);
  });

  it('answers busy past the bound of distinct pending verifications, sharing same-pair ones', async () => {
    const verifications = new PasswordVerifications(2);
    const alice = await credential('alice password');
    const first = verifications.verify(alice, 'guess 1', Date.now());
    const again = verifications.verify(alice, 'guess 1', Date.now());
    expect(again).toBe(first);
    const second = verifications.verify(alice, 'guess 2', Date.now());
    expect(verifications.verify(alice, 'guess 3', Date.now())).toBe(VERIFIER_BUSY);
    expect(await first).toBe(false);
    expect(await second).toBe(false);
    expect(await verifications.verify(alice, 'guess 3', Date.now())).toBe(false);
  });
});
