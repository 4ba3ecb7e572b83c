import { quotaPeriodAt } from '@portico/analytics';
import { ZQuota } from '@portico/config';
import type { Db } from '@portico/db';
import { newId } from '@portico/id';
import type { Queue } from 'bullmq';
import type { Logger } from '../logger';
import { consumerRequestsBetween } from './quota-usage-query';

export const QUOTA_THRESHOLDS_PERCENT = [80, 100] as const;
export const QUOTA_WEBHOOK_JOB_NAME = 'quota.webhook@1';

export interface CheckQuotasDeps {
  db: Db;
  logger: Logger;
  queue: Queue;
  now: Date;
  webhookSigningSecret: string | null;
}

/**
 * For every active subscription on a plan with a quota, compares this period's usage with 80%
 * and 100% of the quota. Crossing one records a notification (unique per subscription, period
 * and threshold, so concurrent or repeated runs record it once) and, when the consumer has a
 * webhook URL, queues its signed delivery.
 */
export async function checkQuotas(deps: CheckQuotasDeps) {
  const { db, now } = deps;
  const subscriptions = await db.subscription.findMany({
    // Plans without a quota store JSON null; the ZQuota parse below skips them.
    where: { status: 'active' },
    select: {
      id: true,
      consumerId: true,
      planId: true,
      consumer: { select: { webhookUrl: true } },
      plan: { select: { quota: true, apis: { select: { apiId: true } } } },
    },
  });
  let recorded = 0;
  for (const sub of subscriptions) {
    const quota = ZQuota.safeParse(sub.plan.quota);
    if (!quota.success) continue;
    const period = quotaPeriodAt(now.getTime(), quota.data.per);
    const periodStart = new Date(period.startMs);
    const used = await consumerRequestsBetween(
      db,
      sub.consumerId,
      sub.plan.apis.map((a) => a.apiId),
      periodStart,
      new Date(period.endMs),
    );
    for (const threshold of QUOTA_THRESHOLDS_PERCENT) {
      if (used * 100 < quota.data.requests * threshold) continue;
      const webhookUrl = sub.consumer.webhookUrl;
      const willSend = webhookUrl !== null && deps.webhookSigningSecret !== null;
      const id = newId('quotaNotification');
      const inserted = await db.$executeRaw`
        INSERT INTO quota_notifications (id, "subscriptionId", "consumerId", "planId", "periodStart", threshold,
          used, "quotaLimit", "webhookUrl", "webhookStatus", attempts, "createdAt")
        VALUES (${id}, ${sub.id}, ${sub.consumerId}, ${sub.planId}, ${periodStart}, ${threshold}, ${used},
          ${quota.data.requests}, ${webhookUrl},
          ${willSend ? 'pending' : 'skipped'}::"QuotaNotificationStatus", 0, now())
        ON CONFLICT ("subscriptionId", "periodStart", threshold) DO NOTHING`;
      if (inserted === 0) continue;
      recorded++;
      deps.logger.info(
        {
          subscriptionId: sub.id,
          consumerId: sub.consumerId,
          threshold,
          used,
          limit: quota.data.requests,
        },
        `consumer passed ${threshold}% of its quota`,
      );
      if (willSend) {
        await deps.queue.add(
          QUOTA_WEBHOOK_JOB_NAME,
          { notificationId: id },
          {
            jobId: id,
            attempts: 8,
            backoff: { type: 'exponential', delay: 2_000 },
            removeOnComplete: { age: 86_400 },
            removeOnFail: { age: 7 * 86_400 },
          },
        );
      } else if (webhookUrl !== null) {
        deps.logger.warn(
          { notificationId: id },
          'quota webhook not sent: PORTICO_WEBHOOK_SIGNING_SECRET is not set',
        );
      }
    }
  }
  return { subscriptions: subscriptions.length, recorded };
}
