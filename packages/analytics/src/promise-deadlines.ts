/**
 * Resolves when `promise` settles or after `ms`, whichever is first, and then clears its timer:
 * a timer left behind would keep the process alive for up to a whole flush timeout after close.
 */
export function settledOrTimeout(promise: Promise<void> | null, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise?.then(done, done);
  });
}

/** `promise`, or a rejection with `message` once `ms` pass first; the timer never outlives it. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `no answer within ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
