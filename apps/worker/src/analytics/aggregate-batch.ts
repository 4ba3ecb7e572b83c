import {
  aggregateRequests,
  type ErrorCell,
  type RequestEvent,
  type RollupCell,
  type UsageAggregate,
} from '@portico/analytics';

export type { ErrorCell, RollupCell };

/** A batch's rollups; the same shape gateways aggregate into before shipping (v2 batches). */
export type BatchAggregate = UsageAggregate;

/**
 * Folds a per-request (v1) batch into rollup cells, sorted by their primary key so that
 * concurrent workers upserting overlapping cells take row locks in the same order and cannot
 * deadlock.
 */
export function aggregateBatch(events: readonly RequestEvent[]): BatchAggregate {
  return aggregateRequests(events);
}
