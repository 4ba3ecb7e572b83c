import { describe, expect, it } from 'vitest';
import { problemDocument, ZProblemDocument } from './problem';
import { DP_ERRORS } from './wire-errors';

describe('problemDocument', () => {
  it('writes the one problem shape from a catalogue row', () => {
    expect(
      problemDocument(DP_ERRORS, 'DP_UNAUTHORIZED', {
        detail: 'send a data-plane token',
        requestId: 'req_9',
        instance: '/dp/v1/config',
      }),
    ).toEqual({
      type: 'https://portico.dev/errors/DP_UNAUTHORIZED',
      title: 'Unauthorized',
      status: 401,
      code: 'DP_UNAUTHORIZED',
      detail: 'send a data-plane token',
      requestId: 'req_9',
      instance: '/dp/v1/config',
    });
  });

  it('leaves out the instance when none is given and keeps extension members', () => {
    const problem = problemDocument(
      DP_ERRORS,
      'DP_INVALID_INPUT',
      { detail: 'bad', requestId: 'req_1' },
      { hint: 'x' },
    );
    expect('instance' in problem).toBe(false);
    expect(ZProblemDocument.parse(problem)).toMatchObject({ hint: 'x', status: 400 });
  });

  it('refuses, when read, a document missing its code', () => {
    expect(
      ZProblemDocument.safeParse({ type: 'about:blank', title: 'x', status: 400, detail: 'x' })
        .success,
    ).toBe(false);
  });
});
