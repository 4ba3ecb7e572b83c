import { quotaPeriodAt } from '@portico/analytics';
import { ZQuota } from '@portico/config';
import type { Db } from '@portico/db';
import { queryRows, sql } from './sql-fragment';

/**
 * Usage of each active subscription with a quota in its current period (UTC day or month),
 * from the rollups. The rollups trail live traffic by the gateway's batch interval plus worker
 * processing (typically a few seconds); the gateway's own Redis counter is the enforcing figure
 * and is not read here.
 */
export async function quotaUsage(
  db: Db,
  now: Date,
  consumerScope: string[] | null,
  consumerId?: string,
) {
  const subscriptions = await db.subscription.findMany({
    where: {
      status: 'active',
      ...(consumerId !== undefined ? { consumerId } : {}),
      ...(consumerScope !== null
        ? { consumerId: { in: consumerId !== undefined ? [consumerId] : consumerScope } }
        : {}),
    },
    select: {
      id: true,
      consumerId: true,
      consumer: { select: { name: true } },
      planId: true,
      plan: { select: { name: true, quota: true, apis: { select: { apiId: true } } } },
    },
    orderBy: { createdAt: 'asc' },
  });
  const out = [];
  for (const sub of subscriptions) {
    const quota = ZQuota.safeParse(sub.plan.quota);
    if (!quota.success) continue;
    const period = quotaPeriodAt(now.getTime(), quota.data.per);
    const from = new Date(period.startMs);
    const to = new Date(period.endMs);
    const apiIds = sub.plan.apis.map((a) => a.apiId);
    const [row] = await queryRows<{ n: bigint | null }>(
      db,
      sql`
      SELECT (
        COALESCE((SELECT sum(count) FROM usage_minutes WHERE "consumerId" = ${sub.consumerId}
          AND "apiId" = ANY(${apiIds}) AND minute >= ${from} AND minute < ${to}), 0)
        + COALESCE((SELECT sum(count) FROM usage_hours WHERE "consumerId" = ${sub.consumerId}
          AND "apiId" = ANY(${apiIds}) AND hour >= ${from} AND hour < ${to}), 0)
      )::bigint AS n`,
    );
    const used = Number(row?.n ?? 0n);
    out.push({
      subscriptionId: sub.id,
      consumerId: sub.consumerId,
      consumerName: sub.consumer.name,
      planId: sub.planId,
      planName: sub.plan.name,
      per: quota.data.per,
      limit: quota.data.requests,
      periodStart: from.toISOString(),
      periodEnd: to.toISOString(),
      used,
      remaining: Math.max(0, quota.data.requests - used),
      percent: Math.round((used / quota.data.requests) * 1000) / 10,
      source: 'rollups' as const,
    });
  }
  return out;
}
