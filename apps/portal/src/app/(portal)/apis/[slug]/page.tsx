import { Badge, Card, CodeBlock, PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { anonymousApi, serverErrorCode } from '../../../../lib/server-api';
import { loadDeveloper } from '../../../../lib/session';
import { OpenApiReference } from './openapi-reference';
import { TryIt } from './try-it';

async function loadApi(slug: string) {
  try {
    return await anonymousApi().portal.catalog.get.query({ slug });
  } catch (error) {
    // Private and unknown APIs answer alike, so a page never confirms a private one exists.
    if (serverErrorCode(error) === 'NOT_FOUND') notFound();
    throw error;
  }
}

export async function generateMetadata({
  params,
}: {
  params: Promise<{ slug: string }>;
}): Promise<Metadata> {
  const { slug } = await params;
  const api = await loadApi(slug);
  return {
    title: api.name,
    description: api.description ?? undefined,
    alternates: { types: { 'text/markdown': `/apis/${api.slug}.md` } },
  };
}

export default async function ApiPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const [api, developer] = await Promise.all([loadApi(slug), loadDeveloper()]);
  const sample = samplePath(api.routes);
  const fullPath = joinPath(api.basePath, sample);
  const curl =
    api.auth.type === 'none'
      ? `curl -i ${api.gatewayUrl}${sample}`
      : api.auth.headers.includes('x-api-key')
        ? `curl -i -H "x-api-key: $API_KEY" ${api.gatewayUrl}${sample}`
        : api.auth.type === 'basic'
          ? `curl -i -u "$USERNAME:$PASSWORD" ${api.gatewayUrl}${sample}`
          : api.auth.type === 'mtls'
            ? `curl -i --cert client.crt --key client.key ${api.gatewayUrl}${sample}`
            : api.auth.type === 'signature'
              ? `# sign the request (RFC 9421), then:\ncurl -i -H "Signature-Input: $SIGNATURE_INPUT" -H "Signature: $SIGNATURE" ${api.gatewayUrl}${sample}`
              : `curl -i -H "Authorization: Bearer $TOKEN" ${api.gatewayUrl}${sample}`;

  return (
    <>
      <div className="crumbs">
        <Link href="/apis">API catalogue</Link> / {api.name}
      </div>
      <PageHeader
        title={
          <span className="row">
            {api.name} <Badge tone="info">{api.version}</Badge>
          </span>
        }
        description={api.description ?? undefined}
        actions={
          <a className="pui-btn pui-btn-secondary" href={`/apis/${api.slug}.md`}>
            Markdown
          </a>
        }
      />
      <div className="grid-2">
        <Card title="Call it" testId="call-it">
          <dl className="kv">
            <dt>Gateway URL</dt>
            <dd>
              <code data-testid="api-gateway-url">{api.gatewayUrl}</code>
            </dd>
            <dt>Authentication</dt>
            <dd>{api.auth.description}</dd>
            {api.mcpEndpoint ? (
              <>
                <dt>MCP endpoint</dt>
                <dd>
                  <code data-testid="mcp-endpoint">{api.mcpEndpoint}</code>
                  <div className="pui-hint">
                    For AI agents: connect an MCP client with your API key.
                  </div>
                </dd>
              </>
            ) : null}
            {api.tags.length > 0 ? (
              <>
                <dt>Tags</dt>
                <dd className="tags">
                  {api.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
          <div style={{ marginTop: 14 }}>
            <CodeBlock code={curl} language="curl" />
          </div>
        </Card>
        <Card title="Plans that include it" testId="api-plans">
          {api.plans.length === 0 ? (
            <p className="pui-muted">No listed plan includes this API yet.</p>
          ) : (
            <ul className="plain-list">
              {api.plans.map((p) => (
                <li key={p.id} className="row-between">
                  <span>{p.name}</span>
                  {p.approvalRequired ? (
                    <Badge tone="warn">Needs approval</Badge>
                  ) : (
                    <Badge tone="ok">Instant</Badge>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="pui-hint">
            <Link href="/plans">Compare plans</Link> ·{' '}
            {developer ? (
              <Link href="/apps">Subscribe an app</Link>
            ) : (
              <Link href="/sign-up">Sign up to subscribe</Link>
            )}
          </p>
        </Card>
      </div>
      <Card title="Try it" testId="try-it">
        {developer ? (
          <TryIt basePath={api.basePath} defaultPath={fullPath} authType={api.auth.type} />
        ) : (
          <p className="pui-muted">
            <Link href={`/sign-in?next=/apis/${api.slug}`}>Sign in</Link> to send real requests
            through the gateway with one of your keys.
          </p>
        )}
      </Card>
      <Card title="Reference" testId="reference">
        {api.openApi ? (
          <OpenApiReference document={api.openApi} gatewayUrl={api.gatewayUrl} />
        ) : (
          <>
            <p className="pui-muted">
              This API has no OpenAPI document; these are the routes the gateway serves.
            </p>
            <table className="pui-table routes-table" aria-label="Routes">
              <thead>
                <tr>
                  <th>Methods</th>
                  <th>Path</th>
                  <th>Name</th>
                </tr>
              </thead>
              <tbody>
                {api.routes.map((r) => (
                  <tr key={`${r.methods.join(',')} ${r.path}`}>
                    <td className="method">{r.methods.length ? r.methods.join(' ') : 'ANY'}</td>
                    <td>
                      <code>{`${api.basePath === '/' ? '' : api.basePath}${r.path}`}</code>
                    </td>
                    <td>{r.name ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Card>
    </>
  );
}

/** A path to show in examples: the first GET route without parameters, or the API's root. */
function samplePath(routes: { methods: string[]; path: string }[]): string {
  const plain = routes.find(
    (r) => (r.methods.length === 0 || r.methods.includes('GET')) && !/[{:*]/.test(r.path),
  );
  return plain?.path ?? '/';
}

function joinPath(basePath: string, path: string): string {
  return `${basePath === '/' ? '' : basePath}${path}`.replace(/\/{2,}/g, '/') || '/';
}
