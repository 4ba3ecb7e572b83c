import type { Prisma, Secret } from '@portico/db';
import { newId } from '@portico/id';
import { sealSecret } from '../../crypto/seal';
import { sealedFingerprint } from '../../crypto/sealed-fingerprint';
import { conflict, PorticoError } from '../shared/domain-errors';
import { pickColumns } from '../shared/pick-columns';
import { apisReferencingSecret, jwtSecretRefOf } from './secret-refs';

/**
 * A secret as callers see it: never its value. `fingerprint` (a digest of the sealed form) lets
 * an operator see that a rotation happened and match it with `jwtSecretFingerprint` in versions.
 */
export interface SecretView {
  id: string;
  name: string;
  description: string | null;
  fingerprint: string;
  /** APIs whose jwt auth references this secret; a secret in use cannot be deleted. */
  usedBy: string[];
  createdAt: Date;
  updatedAt: Date;
}

function toSecretView(row: Secret, usedBy: string[]): SecretView {
  return {
    ...pickColumns(row, ['id', 'name', 'description', 'createdAt', 'updatedAt']),
    fingerprint: sealedFingerprint(row.valueSealed),
    usedBy,
  };
}

function noSuchSecret(name: string): PorticoError {
  return new PorticoError('CTL_NOT_FOUND', `name: no secret named ${name}`);
}

export async function listSecrets(tx: Prisma.TransactionClient): Promise<SecretView[]> {
  const rows = await tx.secret.findMany({ orderBy: { name: 'asc' } });
  return Promise.all(
    rows.map(async (r) => toSecretView(r, await apisReferencingSecret(tx, r.name))),
  );
}

export interface SecretInput {
  name: string;
  value: string;
  description?: string | undefined;
}

export async function createSecret(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  input: SecretInput,
  now: Date,
): Promise<SecretView> {
  const taken = await tx.secret.findUnique({ where: { name: input.name }, select: { id: true } });
  if (taken) throw conflict(`name: a secret named ${input.name} already exists`);
  const row = await tx.secret.create({
    data: {
      id: newId('secret', now.getTime()),
      name: input.name,
      valueSealed: sealSecret(secretKey, input.value),
      description: input.description ?? null,
    },
  });
  return toSecretView(row, []);
}

/**
 * Rotation: seals the new value. Gateways receive it with the next published version (the
 * snapshot's fingerprint changes, so the draft differs), as with registry credentials.
 */
export async function updateSecret(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  input: SecretInput,
): Promise<{ before: SecretView; after: SecretView }> {
  const current = await tx.secret.findUnique({ where: { name: input.name } });
  if (!current) throw noSuchSecret(input.name);
  const usedBy = await apisReferencingSecret(tx, current.name);
  const row = await tx.secret.update({
    where: { id: current.id },
    data: {
      valueSealed: sealSecret(secretKey, input.value),
      ...(input.description === undefined ? {} : { description: input.description }),
    },
  });
  return { before: toSecretView(current, usedBy), after: toSecretView(row, usedBy) };
}

/** Refused while any API's jwt auth references the secret, naming those APIs. */
export async function deleteSecret(
  tx: Prisma.TransactionClient,
  name: string,
): Promise<SecretView> {
  // FOR UPDATE pairs with the FOR SHARE in assertJwtSecretExists: an API being saved with a
  // reference to this secret either commits first (and is found below) or fails its check.
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM secrets WHERE name = ${name} FOR UPDATE`;
  const id = locked[0]?.id;
  if (id === undefined) throw noSuchSecret(name);
  const usedBy = await apisReferencingSecret(tx, name);
  if (usedBy.length > 0) {
    throw conflict(
      `name: secret ${name} is referenced by the jwt auth (auth.secretRef) of API(s) ${usedBy.join(', ')}; change or delete them first`,
    );
  }
  const published = await publishedApisReferencingSecret(tx, name);
  if (published !== null) {
    throw conflict(
      `name: secret ${name} is still used by API(s) ${published.apis.join(', ')} in published version ${published.number}; publish the change that stops using it first`,
    );
  }
  const row = await tx.secret.delete({ where: { id } });
  return toSecretView(row, []);
}

/**
 * Gateways keep running the latest published version until the next publish; deleting a secret
 * it still uses would leave them without it the next time they fetch that version.
 */
async function publishedApisReferencingSecret(
  tx: Prisma.TransactionClient,
  name: string,
): Promise<{ number: number; apis: string[] } | null> {
  const latest = await tx.configVersion.findFirst({
    orderBy: { number: 'desc' },
    select: { number: true, snapshot: true },
  });
  if (!latest) return null;
  const snapshot = latest.snapshot;
  const apis =
    snapshot !== null && typeof snapshot === 'object' && !Array.isArray(snapshot)
      ? snapshot.apis
      : null;
  if (!Array.isArray(apis)) return null;
  const users = apis.flatMap((api) => {
    if (api === null || typeof api !== 'object' || Array.isArray(api)) return [];
    return jwtSecretRefOf(api.auth) === name && typeof api.name === 'string' ? [api.name] : [];
  });
  return users.length > 0 ? { number: latest.number, apis: users.sort() } : null;
}
