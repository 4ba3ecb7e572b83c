import { afterEach, expect, it } from 'vitest';

const saved = process.env.PORTICO_CONTROL_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.PORTICO_CONTROL_URL;
  else process.env.PORTICO_CONTROL_URL = saved;
});

it('answers an unreachable control plane with the catalogue code for it, from the portal', async () => {
  // Port 1 (tcpmux) is closed on any machine that runs the tests: the connection is refused.
  process.env.PORTICO_CONTROL_URL = 'http://127.0.0.1:1';
  const { POST } = await import('./route');
  const response = await POST(
    new Request('http://portal.test/trpc/portal.apps', { method: 'POST' }),
  );
  const problem: unknown = await response.json();
  expect([response.status, response.headers.get('content-type')]).toEqual([
    502,
    'application/problem+json',
  ]);
  expect(problem).toMatchObject({
    code: 'CTL_CONTROL_PLANE_UNREACHABLE',
    detail: 'the portal could not reach the control plane; try again shortly',
    requestId: expect.stringMatching(/^req_/),
  });
});
