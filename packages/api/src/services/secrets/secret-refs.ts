import type { Prisma } from '@portico/db';
import { badRequest } from '../shared/domain-errors';

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * The secret an API's `auth` (as stored JSON or as parsed input) references, with the field
 * naming it: jwt's `secretRef` or introspection's `clientSecretRef`, alone or within `anyOf`
 * (which lists at most one of the two). Null when it references none.
 */
export function authSecretRefWithPath(auth: unknown): { ref: string; path: string } | null {
  const record = asRecord(auth);
  if (record === null) return null;
  if (record.type === 'jwt' && typeof record.secretRef === 'string')
    return { ref: record.secretRef, path: 'auth.secretRef' };
  if (record.type === 'introspection' && typeof record.clientSecretRef === 'string')
    return { ref: record.clientSecretRef, path: 'auth.clientSecretRef' };
  if (record.type === 'anyOf' && Array.isArray(record.methods)) {
    for (const [index, method] of record.methods.entries()) {
      const found = authSecretRefWithPath(method);
      if (found !== null)
        return { ref: found.ref, path: found.path.replace('auth.', `auth.methods.${index}.`) };
    }
  }
  return null;
}

/** The secret an API's `auth` verifies with (jwt) or authenticates to its server with (introspection). */
export function jwtSecretRefOf(auth: unknown): string | null {
  return authSecretRefWithPath(auth)?.ref ?? null;
}

/** Names of the APIs whose auth references the secret `name`, sorted. */
export async function apisReferencingSecret(
  tx: Prisma.TransactionClient,
  name: string,
): Promise<string[]> {
  const rows = await tx.api.findMany({
    where: {
      OR: [
        { auth: { path: ['type'], equals: 'jwt' } },
        { auth: { path: ['type'], equals: 'introspection' } },
        { auth: { path: ['type'], equals: 'anyOf' } },
      ],
    },
    select: { name: true, auth: true },
    orderBy: { name: 'asc' },
  });
  return rows.filter((r) => jwtSecretRefOf(r.auth) === name).map((r) => r.name);
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
  const found = authSecretRefWithPath(auth);
  if (found === null) return;
  const { ref, path } = found;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM secrets WHERE name = ${ref} FOR SHARE`;
  if (rows.length === 0) {
    throw badRequest(
      `${path}: no secret named ${ref}; create it first (secrets.create) or fix the name`,
    );
  }
}
