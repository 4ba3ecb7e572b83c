import { describe, expect, it } from 'vitest';
import type { ChangeFeed, ChangeListener } from '../src/dp/change-feed';
import { waitForAnswer } from '../src/dp/long-poll';

/** An in-process feed: `emit` plays the role of a Postgres NOTIFY arriving. */
function memoryFeed() {
  const listeners = new Set<ChangeListener>();
  const feed: ChangeFeed = {
    ready: Promise.resolve(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {},
  };
  const emit = () => {
    for (const listener of listeners) listener('credentials');
  };
  return { feed, listeners, emit };
}

describe('waitForAnswer', () => {
  it('re-checks at once when a change lands between the check and the wait, instead of sleeping through it', async () => {
    const { feed, emit } = memoryFeed();
    let checks = 0;
    const started = performance.now();
    const answer = await waitForAnswer(
      feed,
      async () => {
        checks++;
        // The change commits while the first check is reading: that read saw the old state.
        if (checks === 1) {
          emit();
          return null;
        }
        return 'new state';
      },
      10_000,
      new AbortController().signal,
    );
    expect(answer).toBe('new state');
    expect(checks).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('wakes on a change that arrives while waiting', async () => {
    const { feed, emit } = memoryFeed();
    let changed = false;
    const pending = waitForAnswer(
      feed,
      async () => (changed ? 'changed' : null),
      10_000,
      new AbortController().signal,
    );
    await Promise.resolve();
    changed = true;
    emit();
    expect(await pending).toBe('changed');
  });

  it('answers null after waitMs with nothing new, and unsubscribes', async () => {
    const { feed, listeners } = memoryFeed();
    const started = performance.now();
    expect(
      await waitForAnswer(feed, async () => null, 50, new AbortController().signal),
    ).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(listeners.size).toBe(0);
  });

  it('answers null at once when the caller goes away', async () => {
    const { feed, listeners } = memoryFeed();
    const abort = new AbortController();
    const pending = waitForAnswer(feed, async () => null, 10_000, abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    const aborted = performance.now();
    abort.abort();
    expect(await pending).toBeNull();
    expect(performance.now() - aborted).toBeLessThan(500);
    expect(listeners.size).toBe(0);
  });
});
