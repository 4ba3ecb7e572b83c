import { describe, expect, it } from 'vitest';
import { backoffDelayMs, sleep } from './backoff';

describe('reconnect back-off', () => {
  it('grows exponentially with jitter between half and all of the ceiling, capped', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(100);
    expect(backoffDelayMs(0, () => 1)).toBe(200);
    expect(backoffDelayMs(3, () => 0.5)).toBe(1200);
    expect(backoffDelayMs(30, () => 1)).toBe(15_000);
    expect(backoffDelayMs(30, () => 0)).toBe(7_500);
  });

  it('sleep ends at once when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await pending;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
