import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { toCliError } from '../src/server-errors';

function serverError(code: string, message: string, issues: unknown = null) {
  return TRPCClientError.from({
    error: { code: -32000, message, data: { code, httpStatus: 400, issues } },
  });
}

describe('toCliError', () => {
  it.each([
    ['BAD_REQUEST', 2],
    ['PAYLOAD_TOO_LARGE', 2],
    ['CONFLICT', 1],
    ['NOT_FOUND', 1],
    ['UNAUTHORIZED', 1],
    ['FORBIDDEN', 1],
    ['PRECONDITION_FAILED', 1],
    ['INTERNAL_SERVER_ERROR', 1],
  ])('maps %s to exit %i and keeps the server message', (code, exitCode) => {
    const error = toCliError(serverError(code, 'what went wrong'), 'http://127.0.0.1:4000');
    expect(error.exitCode).toBe(exitCode);
    expect(error.lines[0]).toBe(`${code}: what went wrong`);
  });

  it('adds one line per field issue the server sends', () => {
    const error = toCliError(
      serverError('BAD_REQUEST', 'invalid input', [
        { path: ['name'], message: 'must not be empty' },
        { path: [], message: 'something about the whole input' },
      ]),
      'http://127.0.0.1:4000',
    );
    expect(error.lines).toEqual([
      'BAD_REQUEST: invalid input',
      '  name: must not be empty',
      '  (input): something about the whole input',
    ]);
  });

  it('hints at PORTICO_TOKEN on UNAUTHORIZED', () => {
    const error = toCliError(serverError('UNAUTHORIZED', 'sign in'), 'http://127.0.0.1:4000');
    expect(error.lines.at(-1)).toContain('PORTICO_TOKEN');
  });

  it('reports a request that never reached a control plane as exit 1 naming the URL', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), {
      code: 'ECONNREFUSED',
    });
    const error = toCliError(
      TRPCClientError.from(new TypeError('fetch failed', { cause })),
      'http://127.0.0.1:4000',
    );
    expect(error.exitCode).toBe(1);
    expect(error.lines).toEqual([
      'cannot reach the control plane at http://127.0.0.1:4000: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:4000)',
    ]);
  });
});
