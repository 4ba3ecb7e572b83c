import { waitFor as poll, type WaitOptions } from '@portico/testkit';

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`
 * with the last error seen: parts of the stack refuse connections while they start, so an
 * exception is "not yet" here.
 */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 200 }: Pick<WaitOptions, 'timeoutMs' | 'intervalMs'> = {},
): Promise<T> {
  return poll(what, check, { timeoutMs, intervalMs, retryErrors: true });
}

/** True once `url` answers with a status below 500. */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.status < 500;
}
