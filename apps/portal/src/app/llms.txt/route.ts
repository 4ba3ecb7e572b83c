import { anonymousApi } from '../../lib/server-api';

export const dynamic = 'force-dynamic';

/** /llms.txt: the portal and one line per listed API, for language-model tools. */
export async function GET(): Promise<Response> {
  const text = await anonymousApi().portal.catalog.llmsTxt.query();
  return new Response(text.body, {
    headers: { 'content-type': text.contentType, 'cache-control': 'public, max-age=60' },
  });
}
