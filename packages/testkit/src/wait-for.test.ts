import { describe, expect, it } from 'vitest';
import { eventually, waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => (++calls === 3 ? 'three' : undefined), {
      intervalMs: 1,
    });
    expect(value).toBe('three');
    expect(calls).toBe(3);
  });

  it('names what it waited for when the deadline passes', async () => {
    await expect(waitFor('the moon', () => false, 30)).rejects.toThrow(
      'timed out after 30 ms waiting for the moon',
    );
  });

  it('ends at once when the check throws, unless told to retry', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error('crashed');
    };
    await expect(waitFor('a crashed process', failing)).rejects.toThrow('crashed');
    expect(calls).toBe(1);
    await expect(
      waitFor('a refusing server', failing, { timeoutMs: 30, intervalMs: 1, retryErrors: true }),
    ).rejects.toThrow('timed out after 30 ms waiting for a refusing server: crashed');
    expect(calls).toBeGreaterThan(2);
  });
});

describe('eventually', () => {
  it('takes the condition first and the name last', async () => {
    let ready = false;
    setTimeout(() => {
      ready = true;
    }, 5);
    await eventually(() => ready, 1_000, 'ready');
    await expect(eventually(() => false, 20, 'never')).rejects.toThrow('waiting for never');
  });
});
