import { randomBytes } from 'node:crypto';
import { newId } from '@portico/id';
import { describe, expect, it } from 'vitest';
import { sealSecret } from '../src/crypto/seal';
import { logCredentialChange } from '../src/sync/credential-log';
import { loadChangesSince, loadCredentialSet } from '../src/sync/sync-answer';
import { apiHarnessForFile } from './file-harness';

const { h, fx } = await apiHarnessForFile();

/**
 * Shared hmac secrets are sealed at rest, in their row and in the credential log alike; only the
 * answer to a gateway holds them clear. Basic hashes travel as they are.
 */
describe('credential stream: sealed secrets', () => {
  it('opens an hmac secret only in what gateways receive, and drops it when it cannot be opened', async () => {
    const secretKey = randomBytes(32);
    const clear = randomBytes(32).toString('base64');
    const consumer = await fx.consumer();
    const id = newId('credential');
    const seqBefore = (await loadChangesSince(h.db, 0)).seq;
    await h.db.$transaction(async (tx) => {
      await tx.consumerCredential.create({
        data: {
          id,
          consumerId: consumer.id,
          kind: 'hmac',
          name: 'signer',
          identifier: `kid-${id}`,
          secretSealed: sealSecret(secretKey, clear),
        },
      });
      await logCredentialChange(tx, id);
    });
    const logged = await h.db.credentialChange.findFirstOrThrow({ where: { entityId: id } });
    expect(JSON.stringify(logged.payload)).not.toContain(clear);

    const delta = await loadChangesSince(h.db, seqBefore, { secretKey });
    expect(delta.changes).toEqual([
      expect.objectContaining({
        type: 'credential.upsert',
        credential: expect.objectContaining({ id, kind: 'hmac', verifier: clear }),
      }),
    ]);
    const full = await loadCredentialSet(h.db, { secretKey });
    expect(full.set.credentials.find((c) => c.id === id)?.verifier).toBe(clear);

    const failures: string[] = [];
    const wrongKey = {
      secretKey: randomBytes(32),
      onCredentialSecretError: (cid: string) => failures.push(cid),
    };
    const refusedDelta = await loadChangesSince(h.db, seqBefore, wrongKey);
    expect(refusedDelta.changes).toEqual([
      expect.objectContaining({ type: 'credential.delete', id }),
    ]);
    const refusedFull = await loadCredentialSet(h.db, wrongKey);
    expect(refusedFull.set.credentials.some((c) => c.id === id)).toBe(false);
    expect(failures).toEqual([id, id]);
  });
});
