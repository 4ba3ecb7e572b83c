import { ZSnapshotApi } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { compileRoute, type RoutableApi, RoutingTable, sortRoutes } from './routing-table';

function api(
  id: string,
  basePath: string,
  hosts: string[],
  routes: { id: string; path: string; methods?: string[] }[],
): RoutableApi {
  const parsed = ZSnapshotApi.parse({
    id,
    name: id,
    slug: id,
    basePath,
    hosts,
    serviceId: 'svc',
    auth: { type: 'none' },
    routes,
  });
  return { api: parsed, routes: sortRoutes(parsed.routes.map(compileRoute)) };
}

describe('RoutingTable', () => {
  const table = new RoutingTable([
    api('root', '/', [], [{ id: 'r-root', path: '/*' }]),
    api(
      'orders',
      '/orders',
      [],
      [
        { id: 'r-one', path: '/:id', methods: ['GET'] },
        { id: 'r-items', path: '/:id/items/*' },
        { id: 'r-new', path: '/new', methods: ['GET'] },
      ],
    ),
    api('orders-v2', '/orders/v2', [], [{ id: 'r-v2', path: '/*' }]),
    api('hosted', '/', ['api.example.com'], [{ id: 'r-hosted', path: '/*' }]),
    api('wild', '/', ['*.tenant.test'], [{ id: 'r-wild', path: '/*' }]),
  ]);
  const routeId = (host: string | undefined, method: string, path: string) => {
    const m = table.match(host, method, path);
    return m.kind === 'matched' ? `${m.entry.api.id}:${m.route.id}:${m.relativePath}` : m.kind;
  };

  it('picks the longest base path on a segment boundary', () => {
    expect(routeId('x', 'GET', '/orders/v2/a')).toBe('orders-v2:r-v2:/a');
    expect(routeId('x', 'GET', '/orders/42')).toBe('orders:r-one:/42');
    expect(routeId('x', 'GET', '/ordersx')).toBe('root:r-root:/ordersx');
  });
  it('prefers literal segments over parameters, then method filters', () => {
    expect(routeId('x', 'GET', '/orders/new')).toBe('orders:r-new:/new');
    expect(routeId('x', 'GET', '/orders/42/items/a/b')).toBe('orders:r-items:/42/items/a/b');
    expect(routeId('x', 'DELETE', '/orders/42')).toBe('no-route');
  });
  it('serves HEAD on GET routes', () => {
    expect(routeId('x', 'HEAD', '/orders/42')).toBe('orders:r-one:/42');
  });
  it('matches exact hosts (port ignored) and one-label wildcards before host-less APIs', () => {
    expect(routeId('API.example.com:8080', 'GET', '/a')).toBe('hosted:r-hosted:/a');
    expect(routeId('acme.tenant.test', 'GET', '/a')).toBe('wild:r-wild:/a');
    expect(routeId('a.b.tenant.test', 'GET', '/a')).toBe('root:r-root:/a');
  });
  it('reports no API when nothing matches', () => {
    const only = new RoutingTable([
      api('orders', '/orders', ['h.test'], [{ id: 'r', path: '/*' }]),
    ]);
    expect(only.match('h.test', 'GET', '/other').kind).toBe('no-api');
  });
});
