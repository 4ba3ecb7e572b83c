import type { CredentialSecret } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { CredentialTable } from './credential-table';

const hash = (c: string) => c.repeat(64);

function basic(id: string, username: string): CredentialSecret {
  return {
    id,
    consumerId: 'c1',
    kind: 'basic',
    identifier: username,
    verifier: 'scrypt$…',
    matchBy: null,
    expiresAt: null,
  };
}

describe('CredentialTable', () => {
  const base = CredentialTable.fromSet(
    {
      consumers: [{ id: 'c1', name: 'one', status: 'active' }],
      keys: [{ id: 'k1', consumerId: 'c1', hash: hash('a'), expiresAt: null }],
      subscriptions: [{ id: 's1', consumerId: 'c1', planId: 'p1' }],
      credentials: [basic('cred_1', 'alice')],
    },
    5,
  );

  it('applies deltas into a new table and leaves the old one untouched', () => {
    const next = base.applyChanges(
      [
        { seq: 6, type: 'key.delete', id: 'k1' },
        {
          seq: 7,
          type: 'key.upsert',
          key: { id: 'k2', consumerId: 'c1', hash: hash('b'), expiresAt: null },
        },
        {
          seq: 8,
          type: 'subscription.upsert',
          subscription: { id: 's2', consumerId: 'c1', planId: 'p2' },
        },
      ],
      8,
    );
    expect(next.seq).toBe(8);
    expect(next.keysByHash.has(hash('a'))).toBe(false);
    expect(next.keysByHash.get(hash('b'))?.id).toBe('k2');
    expect(next.planIdsByConsumer.get('c1')).toEqual(['p1', 'p2']);
    expect(base.keysByHash.has(hash('a'))).toBe(true);
  });

  it('ignores changes it already has (seq at or below its own)', () => {
    const same = base.applyChanges([{ seq: 5, type: 'key.delete', id: 'k1' }], 5);
    expect(same).toBe(base);
    expect(same.keysByHash.has(hash('a'))).toBe(true);
  });

  it('finds consumers by name for JWT claims', () => {
    expect(base.consumerByName('one')?.id).toBe('c1');
    expect(base.consumerByName('nobody')).toBeUndefined();
  });

  it('indexes credentials by kind and identifier and applies their upserts and deletes', () => {
    expect(base.credential('basic', 'alice')?.id).toBe('cred_1');
    expect(base.credential('hmac', 'alice')).toBeUndefined();
    const next = base.applyChanges(
      [
        { seq: 6, type: 'credential.delete', id: 'cred_1' },
        { seq: 7, type: 'credential.upsert', credential: basic('cred_2', 'bob') },
      ],
      7,
    );
    expect(next.credential('basic', 'alice')).toBeUndefined();
    expect(next.credential('basic', 'bob')?.id).toBe('cred_2');
    expect(next.credentialById('cred_2')?.identifier).toBe('bob');
    expect(next.toSet().credentials.map((c) => c.id)).toEqual(['cred_2']);
    expect(base.credential('basic', 'alice')?.id).toBe('cred_1');
  });

  it("drops a deleted consumer's credentials with it", () => {
    const next = base.applyChanges([{ seq: 6, type: 'consumer.delete', id: 'c1' }], 6);
    expect(next.credential('basic', 'alice')).toBeUndefined();
    expect(next.toSet().credentials).toEqual([]);
  });
});
