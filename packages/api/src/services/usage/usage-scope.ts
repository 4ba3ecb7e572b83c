import type { Db } from '@portico/db';
import { notFound } from '../shared/domain-errors';
import type { RankingQuery } from './ranked-by-requests';
import type { UsageFilters, UsageWindow } from './rollup-source';

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

/**
 * A ranking over the input's window and limit, narrowed by `filters`, within the consumers the
 * caller may read (resolved as resolveConsumerScope does, from the input's consumerId).
 */
export async function scopedRankingQuery(
  ctx: { db: Db; ownerScope: string | null },
  input: UsageWindow & { consumerId?: string | undefined; limit: number },
  filters: UsageFilters,
): Promise<RankingQuery> {
  return {
    window: input,
    filters,
    consumerScope: await resolveConsumerScope(ctx.db, ctx.ownerScope, input.consumerId),
    limit: input.limit,
  };
}
