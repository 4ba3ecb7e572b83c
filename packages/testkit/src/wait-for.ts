export interface WaitOptions {
  /** 30 s unless said otherwise: a loaded machine is slow, and only a failing test waits this long. */
  timeoutMs?: number;
  intervalMs?: number;
  /**
   * Treat an exception from `check` as "not yet" (a server that refuses connections while it
   * starts). By default an exception ends the wait at once, so a crashed process fails fast.
   */
  retryErrors?: boolean;
}

/**
 * Polls `check` until it returns a value other than undefined or false and returns that value;
 * fails after the deadline naming what was awaited (and the last error, with `retryErrors`).
 * Tests poll with a deadline, never a fixed sleep. A number for `options` is the timeout.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 30_000,
    intervalMs = 25,
    retryErrors = false,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (!retryErrors) throw error;
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

/** `waitFor` with the condition first, as the gateway and discovery tests call it. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  await waitFor(what, check, { timeoutMs, intervalMs: 10 });
}
