import { describe, expect, it } from 'vitest';
import {
  type AnalyticsPipelineReader,
  type AnalyticsPipelineSnapshot,
  analyticsPipelineState,
} from './analytics-pipeline';

const CALM: AnalyticsPipelineSnapshot = {
  waiting: 2,
  active: 1,
  delayed: 0,
  failed: 0,
  oldestWaitingAt: new Date('2026-12-07T10:00:00Z'),
  workers: 2,
  usedMemoryBytes: 100 * 2 ** 20,
  maxMemoryBytes: 1024 * 2 ** 20,
  maxMemoryPolicy: 'noeviction',
};
const NOW = new Date('2026-12-07T10:00:30Z');

function readerOf(snapshot: AnalyticsPipelineSnapshot | Error): AnalyticsPipelineReader {
  return {
    maxQueueBacklog: 1_000,
    memoryShedRatio: 0.8,
    read: async () => {
      if (snapshot instanceof Error) throw snapshot;
      return snapshot;
    },
  };
}

describe('analyticsPipelineState', () => {
  it('reports a healthy pipeline with the oldest batch age and no warnings', async () => {
    expect(await analyticsPipelineState(readerOf(CALM), NOW)).toMatchObject({
      available: true,
      backlog: 2,
      oldestWaitingAgeSeconds: 30,
      shedding: false,
      warnings: [],
    });
  });

  it('says gateways shed when Redis memory reaches the shed ratio of maxmemory', async () => {
    const state = await analyticsPipelineState(
      readerOf({ ...CALM, usedMemoryBytes: 900 * 2 ** 20 }),
      NOW,
    );
    expect(state).toMatchObject({ available: true, shedding: true });
    if (!state.available) throw new Error('unavailable');
    expect(state.warnings).toEqual([
      'Redis uses 88% of its maxmemory, at or past the shed ratio of 80%: gateways shed raw request rows to leave room for the limiter.',
    ]);
  });

  it('counts delayed retries in the backlog and names failed batches', async () => {
    const state = await analyticsPipelineState(
      readerOf({ ...CALM, waiting: 600, delayed: 400, failed: 3 }),
      NOW,
    );
    if (!state.available) throw new Error('unavailable');
    expect(state.backlog).toBe(1_000);
    expect(state.shedding).toBe(true);
    expect(state.warnings[0]).toMatch(/^1000 batches wait, at or past the gateways' bound of 1000/);
    expect(state.warnings[1]).toMatch(/^3 batches failed every retry/);
  });

  it('is unavailable, with the reason, without a reader or when Redis fails', async () => {
    expect(await analyticsPipelineState(undefined, NOW)).toEqual({
      available: false,
      reason: 'the control plane has no Redis configured (REDIS_URL)',
    });
    expect(await analyticsPipelineState(readerOf(new Error('redis is reconnecting')), NOW)).toEqual(
      { available: false, reason: 'Redis did not answer: redis is reconnecting' },
    );
  });
});
