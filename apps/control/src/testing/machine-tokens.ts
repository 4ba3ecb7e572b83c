import { randomBytes } from 'node:crypto';
import type { Db } from '@portico/db';
import { generateSecret } from '@portico/keys';

/** What a test says about the machine token it needs; the rest gets a value no other test uses. */
export interface MachineTokenSpec {
  kind: 'registry' | 'dataplane';
  name: string;
  /** Registry tokens carry `register` and/or `read`; data-plane tokens carry none. */
  scopes?: string[];
  /** A fixed id, for a test that changes the row later; a random `tok_…` one otherwise. */
  id?: string;
  revoked?: boolean;
}

/**
 * Creates a machine token as an operator would (only its hash stored, with the kind's prefix)
 * and returns its id and the clear token a gateway or a registry client sends.
 */
export async function createMachineToken(
  db: Db,
  spec: MachineTokenSpec,
): Promise<{ id: string; clear: string }> {
  const secret = generateSecret(spec.kind === 'dataplane' ? 'dataPlaneToken' : 'registryToken');
  const id = spec.id ?? `tok_${randomBytes(8).toString('hex')}`;
  await db.machineToken.create({
    data: {
      id,
      kind: spec.kind,
      name: spec.name,
      scopes: spec.scopes ?? [],
      hash: secret.hash,
      start: secret.start,
      revokedAt: spec.revoked ? new Date() : null,
    },
  });
  return { id, clear: secret.clear };
}
