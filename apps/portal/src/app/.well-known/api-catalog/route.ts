import { anonymousApi } from '../../../lib/server-api';

export const dynamic = 'force-dynamic';

/**
 * RFC 9727 API catalogue: a linkset (RFC 9264) of the listed APIs with links to each one's
 * OpenAPI document and portal page. Built by the control plane from listed APIs only.
 */
export async function GET(): Promise<Response> {
  const catalog = await anonymousApi().portal.catalog.apiCatalog.query();
  return new Response(JSON.stringify(catalog.body, null, 2), {
    headers: { 'content-type': catalog.contentType, 'cache-control': 'public, max-age=60' },
  });
}

/** RFC 9727 §2: a HEAD answers with the catalogue's headers and a Link to itself. */
export async function HEAD(): Promise<Response> {
  const catalog = await anonymousApi().portal.catalog.apiCatalog.query();
  return new Response(null, {
    headers: {
      'content-type': catalog.contentType,
      link: '</.well-known/api-catalog>; rel="api-catalog"',
    },
  });
}
