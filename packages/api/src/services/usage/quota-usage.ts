import { quotaPeriodAt } from '@portico/analytics';
import { LIMITER_KEY_PREFIX, parseQuotaCounter, quotaCounterKey, ZQuota } from '@portico/config';
import type { Db } from '@portico/db';
import type { QuotaCounterReader } from '../../trpc';
import { queryRows, sql } from './sql-fragment';

export interface QuotaUsageOptions {
  /** The gateway limiter's live counters; absent, every figure comes from the rollups. */
  counters?: QuotaCounterReader | undefined;
}

/**
 * Usage of each active subscription with a quota in its current period (UTC day or month).
 * `used` is the gateway limiter's Redis counter (the figure it enforces) when a reader is given
 * and the counter exists for this period (`source: 'live'`); otherwise the rollups, which trail
 * live traffic by the gateway's batch interval plus worker processing (`source: 'rollups'`).
 * An absent counter is not read as zero: a gateway running without Redis counts locally, and the
 * rollups still see its traffic. A failing reader also falls back to the rollups.
 */
export async function quotaUsage(
  db: Db,
  now: Date,
  consumerScope: string[] | null,
  consumerId?: string,
  options: QuotaUsageOptions = {},
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
  const keyPrefix = options.counters?.keyPrefix ?? LIMITER_KEY_PREFIX;
  const plans = subscriptions.map((sub) => ({ sub, quota: ZQuota.safeParse(sub.plan.quota) }));
  const keys = plans.map(({ sub, quota }) =>
    quota.success ? quotaCounterKey(keyPrefix, sub.planId, sub.consumerId, quota.data.per) : null,
  );
  const live = await readCounters(options.counters, keys);
  const out = [];
  for (const [index, { sub, quota }] of plans.entries()) {
    if (!quota.success) continue;
    const period = quotaPeriodAt(now.getTime(), quota.data.per);
    const from = new Date(period.startMs);
    const to = new Date(period.endMs);
    const counter = live[index] ?? null;
    if (counter !== null && counter.startMs === period.startMs && counter.endMs === period.endMs) {
      out.push(row(sub, quota.data, from, to, counter.count, 'live'));
      continue;
    }
    const apiIds = sub.plan.apis.map((a) => a.apiId);
    const [sum] = await queryRows<{ n: bigint | null }>(
      db,
      sql`
      SELECT (
        COALESCE((SELECT sum(count) FROM usage_minutes WHERE "consumerId" = ${sub.consumerId}
          AND "apiId" = ANY(${apiIds}) AND minute >= ${from} AND minute < ${to}), 0)
        + COALESCE((SELECT sum(count) FROM usage_hours WHERE "consumerId" = ${sub.consumerId}
          AND "apiId" = ANY(${apiIds}) AND hour >= ${from} AND hour < ${to}), 0)
      )::bigint AS n`,
    );
    out.push(row(sub, quota.data, from, to, Number(sum?.n ?? 0n), 'rollups'));
  }
  return out;
}

interface SubscriptionForUsage {
  id: string;
  consumerId: string;
  consumer: { name: string };
  planId: string;
  plan: { name: string };
}

function row(
  sub: SubscriptionForUsage,
  quota: { requests: number; per: 'day' | 'month' },
  from: Date,
  to: Date,
  used: number,
  source: 'live' | 'rollups',
) {
  return {
    subscriptionId: sub.id,
    consumerId: sub.consumerId,
    consumerName: sub.consumer.name,
    planId: sub.planId,
    planName: sub.plan.name,
    per: quota.per,
    limit: quota.requests,
    periodStart: from.toISOString(),
    periodEnd: to.toISOString(),
    /** When the counter starts again from zero (the period's end). */
    resetsAt: to.toISOString(),
    used,
    remaining: Math.max(0, quota.requests - used),
    percent: Math.round((used / quota.requests) * 1000) / 10,
    source,
  };
}

async function readCounters(reader: QuotaCounterReader | undefined, keys: (string | null)[]) {
  const wanted = keys.filter((k): k is string => k !== null);
  if (reader === undefined || wanted.length === 0) return keys.map(() => null);
  let raw: (string | null)[];
  try {
    raw = await reader.read(wanted);
  } catch {
    // Redis unavailable: the rollups are the best figure left.
    return keys.map(() => null);
  }
  let next = 0;
  return keys.map((k) => (k === null ? null : parseQuotaCounter(raw[next++] ?? null)));
}
