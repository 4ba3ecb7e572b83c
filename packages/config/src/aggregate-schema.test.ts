import { describe, expect, it } from 'vitest';
import { formatIssues, ZDeclarativeConfig } from './declarative';

function withAggregate(aggregate: Record<string, unknown>) {
  return {
    services: [{ name: 'users', targets: ['10.0.0.1:80'] }],
    apis: [
      {
        name: 'shop',
        basePath: '/shop',
        service: 'users',
        routes: [{ name: 'combo', path: '/combo/:id', aggregate }],
      },
    ],
  };
}

function issues(doc: unknown): string[] {
  const parsed = ZDeclarativeConfig.safeParse(doc);
  return parsed.success ? [] : formatIssues(parsed.error);
}

describe('route aggregate in the declarative file', () => {
  it('accepts a sequential call using an earlier answer and fills defaults', () => {
    const parsed = ZDeclarativeConfig.parse(
      withAggregate({
        mode: 'sequential',
        calls: [
          { name: 'user', service: 'users', path: '/users/{params.id}' },
          { name: 'again', service: 'users', path: '/users/{user.id}?q={query.q}' },
        ],
      }),
    );
    expect(parsed.apis[0]?.routes[0]?.aggregate).toMatchObject({
      mode: 'sequential',
      onPartialFailure: 'fail',
      countAs: 'once',
      calls: [{ method: 'GET', timeoutMs: 5000, deny: [], rename: {} }, { name: 'again' }],
    });
  });

  it('refuses an earlier-answer reference in parallel mode, a later call, a duplicate name and an unknown service', () => {
    expect(
      issues(
        withAggregate({
          calls: [
            { name: 'a', service: 'users', path: '/a/{b.id}' },
            { name: 'b', service: 'users', path: '/b' },
            { name: 'b', service: 'nowhere', path: '/c' },
          ],
        }),
      ),
    ).toEqual([
      'apis[0].routes[0].aggregate.calls[0].path: {b.…} must name an earlier call of a sequential aggregate',
      'apis[0].routes[0].aggregate.calls[2].name: duplicate call name b',
      'apis[0].routes[0].aggregate.calls[2].service: unknown service nowhere',
    ]);
  });
});
