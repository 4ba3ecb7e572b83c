import { anonymousApi, serverErrorCode } from '../../../lib/server-api';
import { problem } from '../../../lib/upstream-headers';

export const dynamic = 'force-dynamic';

/** /apis/<slug>.md (rewritten here by next.config.ts): an API's page as Markdown. */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  try {
    const page = await anonymousApi().portal.catalog.markdown.query({ slug });
    return new Response(page.body, {
      headers: { 'content-type': page.contentType, 'cache-control': 'public, max-age=60' },
    });
  } catch (error) {
    // Private and unknown APIs alike: nothing says a private one exists.
    if (serverErrorCode(error) === 'NOT_FOUND')
      return problem(404, 'Not found', `no listed API ${slug}`);
    throw error;
  }
}
