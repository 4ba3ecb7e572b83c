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
      PORTICO_REDIS_PREFIX: 'portico:x',
      PORTICO_QUEUE_PREFIX: '{portico:x}',
    });
  });

  it('derives one prefix for keys and queues from the database name unless one is given', () => {
    const other = { ...required, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/stack_two' };
    expect(loadWorkerEnv(other)).toMatchObject({
      PORTICO_REDIS_PREFIX: 'portico:stack_two',
      PORTICO_QUEUE_PREFIX: '{portico:stack_two}',
    });
    expect(loadWorkerEnv({ ...other, PORTICO_REDIS_PREFIX: 'edge' })).toMatchObject({
      PORTICO_REDIS_PREFIX: 'edge',
      PORTICO_QUEUE_PREFIX: '{edge}',
    });
    expect(() => loadWorkerEnv({ ...required, PORTICO_REDIS_PREFIX: 'has{brace}' })).toThrow(
      /PORTICO_REDIS_PREFIX/,
    );
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
