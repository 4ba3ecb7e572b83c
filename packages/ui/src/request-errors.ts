/** The message a person can act on: the server's own, or a plain network failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'the request failed; check your connection and try again';
}

/** tRPC error code of a failed call (UNAUTHORIZED, CONFLICT, …), when the server sent one. */
export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('data' in error)) return null;
  const data = (error as { data?: { code?: unknown } }).data;
  return typeof data?.code === 'string' ? data.code : null;
}

/**
 * Splits a server message of the form "field: problem" so the form can show it under the field;
 * other messages are shown above the form.
 */
export function fieldError(error: unknown, field: string): string | null {
  const message = error ? errorMessage(error) : '';
  const prefix = `${field}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : null;
}

/**
 * The query defaults both apps give their query client: a short stale time, and no retry of
 * auth and permission failures, which will not fix themselves on a retry.
 */
export const QUERY_DEFAULTS = {
  staleTime: 5_000,
  retry: (failures: number, error: unknown): boolean => {
    const code = errorCode(error);
    if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'NOT_FOUND') return false;
    return failures < 2;
  },
};
