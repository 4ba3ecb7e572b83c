import type { Db } from '@portico/db';
import { notFound } from '../shared/domain-errors';

/**
 * Which consumers' usage the caller may read: null for operators (everyone), else the ids of
 * the developer's own consumers. Asking for a consumer outside the scope answers NOT_FOUND, the
 * same as a consumer that does not exist, so ids of others' consumers cannot be probed.
 */
export async function resolveConsumerScope(
  db: Db,
  ownerScope: string | null,
  requestedConsumerId: string | undefined,
): Promise<string[] | null> {
  if (ownerScope === null) return null;
  const own = await db.consumer.findMany({ where: { ownerId: ownerScope }, select: { id: true } });
  const ids = own.map((c) => c.id);
  if (requestedConsumerId !== undefined && !ids.includes(requestedConsumerId)) {
    throw notFound('consumer', requestedConsumerId);
  }
  return ids;
}
