import type { ChangeFeed } from './change-feed';

/** Upper bound on re-checks within one poll: each needs a notification, so this is never hit in practice. */
const MAX_CHECKS = 10_000;

/**
 * Runs `check` until it yields an answer, `waitMs` passes, or `signal` aborts. It subscribes to
 * the change feed BEFORE the first check and re-checks whenever a notification arrived during
 * the previous one, so a change committed between "check" and "wait" is never slept through.
 */
export async function waitForAnswer<T>(
  feed: ChangeFeed,
  check: () => Promise<T | null>,
  waitMs: number,
  signal: AbortSignal,
): Promise<T | null> {
  let dirty = false;
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe(() => {
    dirty = true;
    wake?.();
  });
  const deadline = Date.now() + waitMs;
  try {
    for (let round = 0; round < MAX_CHECKS && !signal.aborted; round++) {
      dirty = false;
      const answer = await check();
      if (answer !== null) return answer;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal.aborted) return null;
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = null;
          resolve();
        }
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return null;
  } finally {
    unsubscribe();
  }
}
