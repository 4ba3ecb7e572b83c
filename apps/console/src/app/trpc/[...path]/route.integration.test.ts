import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const saved = process.env.PORTICO_CONTROL_URL;

describe('the console /trpc proxy', () => {
  beforeAll(() => {
    // Port 1 (tcpmux) is closed on any machine that runs the tests: the connection is refused.
    process.env.PORTICO_CONTROL_URL = 'http://127.0.0.1:1';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PORTICO_CONTROL_URL;
    else process.env.PORTICO_CONTROL_URL = saved;
  });

  it('answers an unreachable control plane with a coded 502 problem and a request id', async () => {
    const { GET } = await import('./route');
    const response = await GET(new Request('http://console.test/trpc/session.me'));
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem: unknown = await response.json();
    expect(problem).toEqual({
      type: 'https://portico.dev/errors/CTL_CONTROL_PLANE_UNREACHABLE',
      title: 'Bad Gateway',
      status: 502,
      code: 'CTL_CONTROL_PLANE_UNREACHABLE',
      detail: 'the console could not reach the control plane; try again shortly',
      requestId: expect.stringMatching(/^req_[0-9a-z]{26}$/),
    });
  });
});
