import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, fieldError, QUERY_DEFAULTS } from './request-errors';

const trpcError = (code: string, message: string) =>
  Object.assign(new Error(message), { data: { code } });

describe('request errors', () => {
  it('shows the server message, or a network hint when there is none', () => {
    expect(errorMessage(new Error('name: is taken'))).toBe('name: is taken');
    expect(errorMessage('boom')).toBe('the request failed; check your connection and try again');
  });

  it('reads the tRPC code only when the server sent one', () => {
    expect(errorCode(trpcError('CONFLICT', 'x'))).toBe('CONFLICT');
    expect(errorCode(new Error('x'))).toBeNull();
    expect(errorCode(null)).toBeNull();
  });

  it('gives a field its own "field: problem" message and nothing else', () => {
    const error = new Error('email: is already registered');
    expect(fieldError(error, 'email')).toBe('is already registered');
    expect(fieldError(error, 'password')).toBeNull();
    expect(fieldError(null, 'email')).toBeNull();
  });

  it('does not retry auth and permission failures, and retries others twice', () => {
    expect(QUERY_DEFAULTS.retry(0, trpcError('UNAUTHORIZED', 'x'))).toBe(false);
    expect(QUERY_DEFAULTS.retry(0, trpcError('FORBIDDEN', 'x'))).toBe(false);
    expect(QUERY_DEFAULTS.retry(0, trpcError('NOT_FOUND', 'x'))).toBe(false);
    expect(QUERY_DEFAULTS.retry(1, new Error('network'))).toBe(true);
    expect(QUERY_DEFAULTS.retry(2, new Error('network'))).toBe(false);
  });
});
