import { decodeBatch, MalformedBatchError, ZEncodedBatchV1 } from '@portico/analytics';
import { UnrecoverableError } from 'bullmq';
import { aggregateBatch } from '../analytics/aggregate-batch';
import { applyBatch, updateKeysLastUsed } from '../analytics/apply-batch';
import { defineJob } from './define-job';

/** One batch of request events from a gateway (see @portico/analytics' batch codec). */
export const analyticsBatchJob = defineJob({
  name: 'analytics.batch',
  version: 1,
  schema: ZEncodedBatchV1,
  async handle(payload, { db, logger }, job) {
    let batch: ReturnType<typeof decodeBatch>;
    try {
      batch = decodeBatch(payload);
    } catch (err) {
      if (err instanceof MalformedBatchError) {
        logger.error({ jobId: job.id }, err.message);
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
    if (job.id !== undefined && job.id !== batch.id) {
      // The job id is the dedupe key in Redis; a mismatch means a producer bug, not bad luck.
      throw new UnrecoverableError(`analytics batch ${batch.id} arrived under job id ${job.id}`);
    }
    const aggregate = aggregateBatch(batch.events);
    const result = await applyBatch(db, batch, aggregate);
    try {
      await updateKeysLastUsed(db, aggregate.keyLastUsed);
    } catch (err) {
      // Counting is done and committed; a missed last-used bump is corrected by the next batch.
      logger.warn({ batchId: batch.id, err: String(err) }, 'could not update keys last-used time');
    }
    if (!result.applied)
      logger.info({ batchId: batch.id }, 'batch already applied; redelivery skipped');
    return result;
  },
});
