import { describe, expect, it } from 'vitest';
import { sessionCookieNameFor } from '../auth/session-cookie';
import { portalLink } from '../mail/portal-messages';
import type { CatalogApi } from './catalog';
import { buildApiCatalogLinkset, buildLlmsTxt } from './machine-catalog';
import { apiGatewayUrl } from './portal-settings';

const api = (slug: string, hasOpenApi: boolean): CatalogApi => ({
  id: `api_${slug}`,
  slug,
  name: slug,
  description: `The ${slug} API\nin two lines`,
  version: 'v1',
  basePath: `/${slug}`,
  gatewayUrl: `https://gw.example.test/${slug}`,
  auth: { type: 'key', description: '', headers: ['x-api-key'], queryParam: null },
  tags: [],
  hasOpenApi,
  mcpEndpoint: null,
  plans: [],
  updatedAt: new Date(0),
});

describe('machine catalogue bodies', () => {
  it('the linkset links every API from the catalogue and describes each one', () => {
    const { linkset } = buildApiCatalogLinkset('https://portal.example.test/', [
      api('a', true),
      api('b', false),
    ]);
    expect(linkset[0]).toEqual({
      anchor: 'https://portal.example.test/.well-known/api-catalog',
      item: [
        { href: 'https://gw.example.test/a', title: 'a' },
        { href: 'https://gw.example.test/b', title: 'b' },
      ],
    });
    expect(linkset[1]?.['service-desc']).toEqual([
      {
        href: 'https://portal.example.test/apis/a/openapi.json',
        type: 'application/vnd.oai.openapi+json',
      },
    ]);
    expect(linkset[2]?.['service-desc']).toBeUndefined();
  });

  it('llms.txt keeps each API on one line and says so when there are none', () => {
    const text = buildLlmsTxt('Portal', 'https://portal.example.test', [api('a', true)]);
    expect(text).toContain(
      '- [a v1](https://portal.example.test/apis/a.md): The a API in two lines Base URL https://gw.example.test/a; auth: key.',
    );
    expect(buildLlmsTxt('Portal', 'https://portal.example.test', [])).toContain(
      'No APIs are published yet.',
    );
  });
});

describe('portal URLs and cookies', () => {
  it('joins gateway URL and base path without doubled or missing slashes', () => {
    expect(apiGatewayUrl('https://gw.example.test/', '/orders')).toBe(
      'https://gw.example.test/orders',
    );
    expect(apiGatewayUrl('https://gw.example.test', '/')).toBe('https://gw.example.test');
  });

  it('mailed links keep the portal path prefix and carry the token as a parameter', () => {
    expect(portalLink('https://example.test/portal', 'verify-email', 'ptk_a+b')).toBe(
      'https://example.test/portal/verify-email?token=ptk_a%2Bb',
    );
  });

  it('only a request made entirely of portal procedures uses the portal cookie', () => {
    expect(sessionCookieNameFor(['portal.auth.me', 'portal.apps.list'])).toBe(
      'portico_portal_session',
    );
    expect(sessionCookieNameFor(['portal.auth.me', 'auth.me'])).toBe('portico_session');
    expect(sessionCookieNameFor(['portalAdmin.settings.get'])).toBe('portico_session');
    expect(sessionCookieNameFor([])).toBe('portico_session');
  });
});
