import type { Prisma } from '@portico/db';
import { badRequest } from '../shared/domain-errors';

/** The secret an API's `auth` (as stored JSON or as parsed input) verifies JWTs with, if any. */
export function jwtSecretRefOf(auth: unknown): string | null {
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) return null;
  const { type, secretRef } = auth as { type?: unknown; secretRef?: unknown };
  return type === 'jwt' && typeof secretRef === 'string' ? secretRef : null;
}

/** Names of the APIs whose jwt auth references the secret `name`, sorted. */
export async function apisReferencingSecret(
  tx: Prisma.TransactionClient,
  name: string,
): Promise<string[]> {
  const rows = await tx.api.findMany({
    where: {
      AND: [
        { auth: { path: ['type'], equals: 'jwt' } },
        { auth: { path: ['secretRef'], equals: name } },
      ],
    },
    select: { name: true },
    orderBy: { name: 'asc' },
  });
  return rows.map((r) => r.name);
}

/**
 * Refuses jwt auth that names a secret which does not exist. The row is locked FOR SHARE until
 * the caller's transaction ends, so a concurrent `secrets.delete` (which checks for referencing
 * APIs under FOR UPDATE) either sees this API or makes this check fail; never neither.
 */
export async function assertJwtSecretExists(
  tx: Prisma.TransactionClient,
  auth: unknown,
): Promise<void> {
  const ref = jwtSecretRefOf(auth);
  if (ref === null) return;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM secrets WHERE name = ${ref} FOR SHARE`;
  if (rows.length === 0) {
    throw badRequest(
      `auth.secretRef: no secret named ${ref}; create it first (secrets.create) or fix the name`,
    );
  }
}
