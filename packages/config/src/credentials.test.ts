import { describe, expect, it } from 'vitest';
import { ZCredentialChange, ZCredentialSet } from './credentials';

describe('credential stream contract', () => {
  it('parses a set written before consumer credentials existed (a snapshot on disk) with none', () => {
    const set = ZCredentialSet.parse({ consumers: [], keys: [], subscriptions: [] });
    expect(set.credentials).toEqual([]);
  });

  it('carries credential upserts and deletes, and refuses an unknown kind', () => {
    const upsert = {
      seq: 7,
      type: 'credential.upsert',
      credential: {
        id: 'cred_1',
        consumerId: 'con_1',
        kind: 'basic',
        identifier: 'alice',
        verifier: '$scrypt$…',
        matchBy: null,
        expiresAt: null,
      },
    };
    expect(ZCredentialChange.parse(upsert)).toEqual(upsert);
    expect(ZCredentialChange.parse({ seq: 8, type: 'credential.delete', id: 'cred_1' })).toEqual({
      seq: 8,
      type: 'credential.delete',
      id: 'cred_1',
    });
    const unknownKind = { ...upsert, credential: { ...upsert.credential, kind: 'saml' } };
    expect(ZCredentialChange.safeParse(unknownKind).success).toBe(false);
  });
});
