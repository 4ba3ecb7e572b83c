import { anonymousApi, serverErrorCode } from '../../../../../lib/server-api';
import { problem } from '../../../../../lib/upstream-headers';

export const dynamic = 'force-dynamic';

/**
 * A listed API's OpenAPI document as JSON (linked from /.well-known/api-catalog), with its servers
 * replaced by the gateway URL developers call.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  try {
    const api = await anonymousApi().portal.catalog.get.query({ slug });
    if (!api.openApi) return problem(404, 'Not found', `${slug} has no OpenAPI document`);
    return Response.json(
      { ...api.openApi, servers: [{ url: api.gatewayUrl }] },
      { headers: { 'cache-control': 'public, max-age=60' } },
    );
  } catch (error) {
    // Private and unknown APIs alike: nothing says a private one exists.
    if (serverErrorCode(error) === 'NOT_FOUND') return problem(404, 'Not found', `no listed API ${slug}`);
    throw error;
  }
}
