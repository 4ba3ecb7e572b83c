import { analyticsAggregateBatchJob, analyticsBatchJob } from './analytics-batch-job';
import type { JobDefinition } from './define-job';
import {
  checkQuotasJob,
  compactRollupsJob,
  pruneRequestLogJob,
  quotaWebhookJob,
} from './maintenance-jobs';

export { analyticsAggregateBatchJob, analyticsBatchJob } from './analytics-batch-job';
export * from './define-job';
export * from './job-dispatcher';
export * from './maintenance-jobs';

// The casts widen each definition's payload type to the registry's common type; the dispatcher
// validates every payload with the definition's own schema before its handler sees it.

/** Jobs consumed from the analytics queue (gateways produce them). */
export const ANALYTICS_JOBS: readonly JobDefinition[] = [
  analyticsBatchJob as JobDefinition,
  analyticsAggregateBatchJob as JobDefinition,
];

/** Jobs consumed from the maintenance queue (schedulers and follow-up deliveries). */
export const MAINTENANCE_JOBS: readonly JobDefinition[] = [
  pruneRequestLogJob,
  compactRollupsJob,
  checkQuotasJob,
  quotaWebhookJob,
] as JobDefinition[];
