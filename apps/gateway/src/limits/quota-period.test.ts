import { describe, expect, it } from 'vitest';
import { quotaPeriodAt } from './quota-period.js';

describe('quotaPeriodAt (UTC calendar)', () => {
  it('gives the UTC day around an instant', () => {
    const period = quotaPeriodAt(Date.parse('2026-11-22T23:59:59.999Z'), 'day');
    expect(new Date(period.startMs).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(new Date(period.endMs).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(quotaPeriodAt(period.endMs, 'day').id).toBe(period.id + 1);
  });

  it('gives calendar months of their true length, across the year end and leap Februaries', () => {
    const december = quotaPeriodAt(Date.parse('2026-12-31T23:59:59.999Z'), 'month');
    expect(new Date(december.endMs).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(quotaPeriodAt(december.endMs, 'month').id).toBe(december.id + 1);
    const leap = quotaPeriodAt(Date.parse('2028-02-15T00:00:00Z'), 'month');
    expect((leap.endMs - leap.startMs) / 86_400_000).toBe(29);
    const plain = quotaPeriodAt(Date.parse('2100-02-15T00:00:00Z'), 'month');
    expect((plain.endMs - plain.startMs) / 86_400_000).toBe(28);
  });
});
