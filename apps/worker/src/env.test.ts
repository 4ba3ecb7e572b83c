import { describe, expect, it } from 'vitest';
import { loadWorkerEnv } from './env';

const required = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('worker environment', () => {
  it('applies the documented defaults', () => {
    expect(loadWorkerEnv(required)).toMatchObject({
      PORTICO_ANALYTICS_RETENTION_DAYS: 7,
      PORTICO_ROLLUP_COMPACT_AFTER_HOURS: 48,
      PORTICO_WORKER_CONCURRENCY: 4,
      PORTICO_QUEUE_PREFIX: '{portico}',
    });
  });

  it('names every missing or bad variable', () => {
    expect(() => loadWorkerEnv({})).toThrow(/DATABASE_URL.*REDIS_URL|REDIS_URL.*DATABASE_URL/);
    expect(() => loadWorkerEnv({ ...required, PORTICO_ANALYTICS_RETENTION_DAYS: '0' })).toThrow(
      /PORTICO_ANALYTICS_RETENTION_DAYS/,
    );
    expect(() => loadWorkerEnv({ ...required, PORTICO_WEBHOOK_SIGNING_SECRET: 'short' })).toThrow(
      /PORTICO_WEBHOOK_SIGNING_SECRET/,
    );
  });
});
