import { describe, expect, it } from 'vitest';
import { CredentialTable } from './credential-table';

const hash = (c: string) => c.repeat(64);

describe('CredentialTable', () => {
  const base = CredentialTable.fromSet(
    {
      consumers: [{ id: 'c1', name: 'one', status: 'active' }],
      keys: [{ id: 'k1', consumerId: 'c1', hash: hash('a'), expiresAt: null }],
      subscriptions: [{ id: 's1', consumerId: 'c1', planId: 'p1' }],
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
});
