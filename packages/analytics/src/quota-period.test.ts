import { describe, expect, it } from 'vitest';
import { quotaPeriodAt } from './quota-period';

describe('quotaPeriodAt', () => {
  it('spans the UTC calendar day', () => {
    const p = quotaPeriodAt(Date.UTC(2026, 10, 22, 23, 59, 59, 999), 'day');
    expect(new Date(p.startMs).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('spans the UTC calendar month, across a year end', () => {
    const p = quotaPeriodAt(Date.UTC(2026, 11, 31, 12), 'month');
    expect(new Date(p.startMs).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
