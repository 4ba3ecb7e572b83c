import type { AnalyticsLogger } from '@portico/analytics';
import { describe, expect, it } from 'vitest';
import { deferredLogger } from './deferred-logger';

function recording(): { log: AnalyticsLogger; lines: string[] } {
  const lines: string[] = [];
  const line = (level: string) => (details: object, message: string) =>
    lines.push(`${level} ${message} ${JSON.stringify(details)}`);
  return { log: { info: line('info'), warn: line('warn'), error: line('error') }, lines };
}

describe('deferredLogger', () => {
  it('writes to the fallback until attached, then only to the attached logger', () => {
    const before = recording();
    const after = recording();
    const deferred = deferredLogger(before.log);
    deferred.logger.warn({ n: 1 }, 'early');
    deferred.attach(after.log);
    deferred.logger.warn({ n: 2 }, 'late');
    deferred.logger.error({ n: 3 }, 'later');
    deferred.logger.info({ n: 4 }, 'last');
    expect(before.lines).toEqual(['warn early {"n":1}']);
    expect(after.lines).toEqual(['warn late {"n":2}', 'error later {"n":3}', 'info last {"n":4}']);
  });
});
