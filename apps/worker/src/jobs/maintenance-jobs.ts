import { z } from 'zod';
import { compactRollups } from '../maintenance/compact-rollups';
import { pruneRequestLog } from '../maintenance/prune-request-log';
import { checkQuotas } from '../quota/check-quotas';
import { deliverQuotaWebhook } from '../quota/deliver-quota-webhook';
import { defineJob, type JobContext, type JobDefinition } from './define-job';

/** Scheduled jobs take no input: what they act on is the clock and the database. */
const ZNoPayload = z.object({}).strict();

/**
 * A scheduled maintenance job (version 1, no payload) that runs `maintain` and logs what it did
 * under `done`, returning it as the job's result.
 */
function maintenanceJob<TResult extends object>(
  name: string,
  done: string,
  maintain: (context: JobContext) => Promise<TResult>,
): JobDefinition<typeof ZNoPayload> {
  return defineJob({
    name,
    version: 1,
    schema: ZNoPayload,
    async handle(_payload, context) {
      const result = await maintain(context);
      context.logger.info({ ...result }, done);
      return result;
    },
  });
}

export const pruneRequestLogJob = maintenanceJob(
  'analytics.prune-request-log',
  'pruned raw request log',
  ({ db, settings, now }) => pruneRequestLog(db, now(), settings.retentionDays),
);

export const compactRollupsJob = maintenanceJob(
  'analytics.compact-rollups',
  'compacted minute rollups into hours',
  ({ db, settings, now }) => compactRollups(db, now(), settings.compactAfterHours),
);

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
