import { latencyPercentiles } from '@portico/analytics';
import type { Db } from '@portico/db';
import { PorticoError } from '../shared/domain-errors';
import { summedUsage } from './summed-histogram';

export interface UsageSummaryQuery {
  apiName?: string | undefined;
  consumerName?: string | undefined;
  sinceSeconds: number;
}

/** Requests, errors and latency percentiles over the last `sinceSeconds` (the CLI's `portico usage`). */
export async function usageSummary(
  db: Db,
  now: Date,
  query: UsageSummaryQuery,
  consumerScope: string[] | null,
) {
  let apiId: string | undefined;
  if (query.apiName !== undefined) {
    const api = await db.api.findUnique({ where: { name: query.apiName }, select: { id: true } });
    if (!api) throw new PorticoError('CTL_NOT_FOUND', `apiName: no API named ${query.apiName}`);
    apiId = api.id;
  }
  let consumerId: string | undefined;
  if (query.consumerName !== undefined) {
    const consumer = await db.consumer.findUnique({
      where: { name: query.consumerName },
      select: { id: true },
    });
    if (!consumer || (consumerScope !== null && !consumerScope.includes(consumer.id))) {
      throw new PorticoError(
        'CTL_NOT_FOUND',
        `consumerName: no consumer named ${query.consumerName}`,
      );
    }
    consumerId = consumer.id;
  }
  // Rollups are per minute: the window starts at the minute containing `now - since`, so the
  // figures cover up to one minute more than asked rather than silently less.
  const fromMs = Math.floor((now.getTime() - query.sinceSeconds * 1000) / 60_000) * 60_000;
  const window = { from: new Date(fromMs), to: now };
  const { requests, errors, histogram } = await summedUsage(
    db,
    window,
    { apiId, consumerId },
    consumerScope,
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    requests,
    errors,
    ...latencyPercentiles(histogram),
  };
}
