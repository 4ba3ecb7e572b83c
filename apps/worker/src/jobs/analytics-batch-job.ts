import {
  type AnalyticsBatch,
  decodeAnalyticsBatch,
  MalformedBatchError,
  ZEncodedBatchV1,
  ZEncodedBatchV2,
} from '@portico/analytics';
import { type Job, UnrecoverableError } from 'bullmq';
import { applyBatch, updateKeysLastUsed } from '../analytics/apply-batch';
import type { JobContext } from './define-job';
import { defineJob } from './define-job';

async function handleAnalyticsBatch(payload: unknown, { db, logger }: JobContext, job: Job) {
  let batch: AnalyticsBatch;
  try {
    batch = decodeAnalyticsBatch(payload);
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
  const result = await applyBatch(db, batch);
  try {
    await updateKeysLastUsed(db, batch.aggregate.keyLastUsed);
  } catch (err) {
    // Counting is done and committed; a missed last-used bump is corrected by the next batch.
    logger.warn({ batchId: batch.id, err: String(err) }, 'could not update keys last-used time');
  }
  if (!result.applied)
    logger.info({ batchId: batch.id }, 'batch already applied; redelivery skipped');
  return result;
}

/** One batch of request events, one tuple per request (gateways before edge aggregation). */
export const analyticsBatchJob = defineJob({
  name: 'analytics.batch',
  version: 1,
  schema: ZEncodedBatchV1,
  handle: handleAnalyticsBatch,
});

/** One batch of a gateway's per-minute aggregates and kept raw rows (see the v2 codec). */
export const analyticsAggregateBatchJob = defineJob({
  name: 'analytics.batch',
  version: 2,
  schema: ZEncodedBatchV2,
  handle: handleAnalyticsBatch,
});
