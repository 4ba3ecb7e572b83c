import { z } from 'zod';
import { compactRollups } from '../maintenance/compact-rollups';
import { pruneRequestLog } from '../maintenance/prune-request-log';
import { checkQuotas } from '../quota/check-quotas';
import { deliverQuotaWebhook } from '../quota/deliver-quota-webhook';
import { defineJob } from './define-job';

/** Scheduled jobs take no input: what they act on is the clock and the database. */
const ZNoPayload = z.object({}).strict();

export const pruneRequestLogJob = defineJob({
  name: 'analytics.prune-request-log',
  version: 1,
  schema: ZNoPayload,
  async handle(_payload, { db, logger, settings, now }) {
    const result = await pruneRequestLog(db, now(), settings.retentionDays);
    logger.info({ ...result }, 'pruned raw request log');
    return result;
  },
});

export const compactRollupsJob = defineJob({
  name: 'analytics.compact-rollups',
  version: 1,
  schema: ZNoPayload,
  async handle(_payload, { db, logger, settings, now }) {
    const result = await compactRollups(db, now(), settings.compactAfterHours);
    logger.info({ ...result }, 'compacted minute rollups into hours');
    return result;
  },
});

export const checkQuotasJob = defineJob({
  name: 'quota.check',
  version: 1,
  schema: ZNoPayload,
  async handle(_payload, { db, logger, maintenanceQueue, settings, now }) {
    return checkQuotas({
      db,
      logger,
      queue: maintenanceQueue,
      now: now(),
      webhookSigningSecret: settings.webhookSigningSecret,
    });
  },
});

export const quotaWebhookJob = defineJob({
  name: 'quota.webhook',
  version: 1,
  schema: z.object({ notificationId: z.string().regex(/^qnt_[0-9a-z]{26}$/) }).strict(),
  async handle(payload, { db, fetch, settings, now }, job) {
    const secret = settings.webhookSigningSecret;
    if (secret === null)
      throw new Error('PORTICO_WEBHOOK_SIGNING_SECRET is not set on this worker');
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return deliverQuotaWebhook(
      { db, fetch, secret, now: now() },
      payload.notificationId,
      finalAttempt,
    );
  },
});
