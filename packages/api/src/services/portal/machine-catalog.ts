import type { CatalogApi, CatalogApiDetail } from './catalog';

/**
 * The machine-readable catalogue the portal serves for tools and agents. The portal serves
 * these bodies as they are, so its URLs are built here from the portal's public URL:
 *   /.well-known/api-catalog  RFC 9727 linkset (application/linkset+json)
 *   /llms.txt                 one line per API
 *   /apis/<slug>              the API's page (HTML), /apis/<slug>.md the same as Markdown
 *   /apis/<slug>/openapi.json the API's OpenAPI document as JSON
 */

export const API_CATALOG_PROFILE = 'https://www.rfc-editor.org/info/rfc9727';

export interface LinkTarget {
  href: string;
  type?: string;
  title?: string;
}

/** A linkset context object (RFC 9264 §4.2): an anchor and its links by relation type. */
export type LinksetContext = { anchor: string } & Record<string, string | LinkTarget[]>;

function base(portalUrl: string): string {
  return portalUrl.replace(/\/+$/, '');
}

export function apiPageUrl(portalUrl: string, slug: string): string {
  return `${base(portalUrl)}/apis/${encodeURIComponent(slug)}`;
}

export function apiMarkdownUrl(portalUrl: string, slug: string): string {
  return `${apiPageUrl(portalUrl, slug)}.md`;
}

export function apiOpenApiUrl(portalUrl: string, slug: string): string {
  return `${apiPageUrl(portalUrl, slug)}/openapi.json`;
}

/**
 * RFC 9727 api-catalog as an RFC 9264 JSON linkset: the catalogue itself links each API with
 * `item`, and each API (anchored at the URL developers call) links its OpenAPI document
 * (`service-desc`) and its documentation (`service-doc`, HTML and Markdown).
 */
export function buildApiCatalogLinkset(
  portalUrl: string,
  apis: readonly CatalogApi[],
): { linkset: LinksetContext[] } {
  const catalog: LinksetContext = {
    anchor: `${base(portalUrl)}/.well-known/api-catalog`,
    item: apis.map((api) => ({ href: api.gatewayUrl, title: api.name })),
  };
  const perApi = apis.map((api): LinksetContext => {
    const links: LinksetContext = {
      anchor: api.gatewayUrl,
      'service-doc': [
        { href: apiPageUrl(portalUrl, api.slug), type: 'text/html', title: api.name },
        { href: apiMarkdownUrl(portalUrl, api.slug), type: 'text/markdown', title: api.name },
      ],
    };
    if (api.hasOpenApi)
      links['service-desc'] = [
        { href: apiOpenApiUrl(portalUrl, api.slug), type: 'application/vnd.oai.openapi+json' },
      ];
    return links;
  });
  return { linkset: [catalog, ...perApi] };
}

function oneLine(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** llms.txt (llmstxt.org): a title, a summary and one Markdown link per API. */
export function buildLlmsTxt(
  portalName: string,
  portalUrl: string,
  apis: readonly CatalogApi[],
): string {
  const lines = [
    `# ${portalName}`,
    '',
    `> The APIs published on ${portalName}. Each link is the API's reference in Markdown; the machine-readable catalogue is ${base(portalUrl)}/.well-known/api-catalog.`,
    '',
    '## APIs',
    '',
  ];
  for (const api of apis) {
    const description = oneLine(api.description);
    lines.push(
      `- [${api.name} ${api.version}](${apiMarkdownUrl(portalUrl, api.slug)}): ${description ? `${description} ` : ''}Base URL ${api.gatewayUrl}; auth: ${api.auth.type}.`,
    );
  }
  if (apis.length === 0) lines.push('No APIs are published yet.');
  return `${lines.join('\n')}\n`;
}

interface DocumentedOperation {
  method: string;
  path: string;
  summary: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function documentedOperations(openApi: Record<string, unknown> | null): DocumentedOperation[] {
  const paths = openApi?.paths;
  if (typeof paths !== 'object' || paths === null) return [];
  const operations: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const op = typeof operation === 'object' && operation !== null ? operation : {};
      const summary =
        'summary' in op && typeof op.summary === 'string'
          ? op.summary
          : 'operationId' in op && typeof op.operationId === 'string'
            ? op.operationId
            : '';
      operations.push({ method: method.toUpperCase(), path, summary: oneLine(summary) });
    }
  }
  return operations;
}

/** The API's page as Markdown: what it is, where to call it, how to authenticate, what it serves. */
export function buildApiMarkdown(portalUrl: string, api: CatalogApiDetail): string {
  const out: string[] = [`# ${api.name} (${api.version})`, ''];
  if (api.description) out.push(api.description.trim(), '');
  out.push(
    `- Base URL: ${api.gatewayUrl}`,
    `- Authentication: ${api.auth.description}`,
    `- Reference: ${apiPageUrl(portalUrl, api.slug)}`,
  );
  if (api.hasOpenApi) out.push(`- OpenAPI document: ${apiOpenApiUrl(portalUrl, api.slug)}`);
  if (api.mcpEndpoint) out.push(`- MCP endpoint: ${api.mcpEndpoint}`);
  if (api.tags.length > 0) out.push(`- Tags: ${api.tags.join(', ')}`);
  out.push('', '## Plans', '');
  if (api.plans.length === 0) out.push('No listed plan includes this API yet.');
  for (const plan of api.plans)
    out.push(`- ${plan.name}${plan.approvalRequired ? ' (subscriptions need approval)' : ''}`);
  out.push('', '## Endpoints', '');
  const operations = documentedOperations(api.openApi);
  if (operations.length > 0) {
    for (const op of operations)
      out.push(
        `- \`${op.method} ${api.basePath === '/' ? '' : api.basePath}${op.path}\`${op.summary ? `: ${op.summary}` : ''}`,
      );
  } else if (api.routes.length > 0) {
    for (const route of api.routes) {
      const methods = route.methods.length > 0 ? route.methods.join(', ') : 'any method';
      out.push(
        `- \`${methods} ${api.basePath === '/' ? '' : api.basePath}${route.path}\`${route.name ? `: ${route.name}` : ''}`,
      );
    }
  } else {
    out.push(`- Every path under \`${api.basePath}\` is served.`);
  }
  const usesKey = api.auth.headers.includes('x-api-key');
  const example =
    api.auth.type === 'none'
      ? `curl ${api.gatewayUrl}/`
      : usesKey
        ? `curl -H "x-api-key: $API_KEY" ${api.gatewayUrl}/`
        : api.auth.type === 'basic'
          ? `curl -u "$USERNAME:$PASSWORD" ${api.gatewayUrl}/`
          : `curl -H "Authorization: Bearer $TOKEN" ${api.gatewayUrl}/`;
  out.push('', '## Example', '', '```sh', example, '```', '');
  return out.join('\n');
}
