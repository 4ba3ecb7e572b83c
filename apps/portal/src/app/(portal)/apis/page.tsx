import { Badge, EmptyState, PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import Link from 'next/link';
import { anonymousApi } from '../../../lib/server-api';
import { CatalogFilters } from './catalog-filters';

export const metadata: Metadata = { title: 'API catalogue' };

/** Search, tag and version live in the URL, so a filtered catalogue can be linked to. */
export default async function CataloguePage({
  searchParams,
}: {
  searchParams: Promise<{ search?: string; tag?: string; version?: string }>;
}) {
  const params = await searchParams;
  const filter = {
    ...(params.search?.trim() ? { search: params.search.trim() } : {}),
    ...(params.tag ? { tag: params.tag } : {}),
    ...(params.version ? { version: params.version } : {}),
  };
  const catalog = await anonymousApi().portal.catalog.list.query(filter);
  const filtered = Object.keys(filter).length > 0;
  return (
    <>
      <PageHeader
        title="API catalogue"
        description="Every API you can call through this gateway, with its reference and the plans that include it."
      />
      <CatalogFilters
        search={params.search ?? ''}
        tag={params.tag ?? ''}
        version={params.version ?? ''}
        tags={catalog.tags}
        versions={catalog.versions}
      />
      {catalog.apis.length === 0 ? (
        <EmptyState title={filtered ? 'No API matches these filters' : 'No APIs are listed yet'}>
          {filtered ? (
            <Link href="/apis">Clear the filters</Link>
          ) : (
            'The operator has not listed any API in the portal yet.'
          )}
        </EmptyState>
      ) : (
        <div className="api-grid" data-testid="api-grid">
          {catalog.apis.map((api) => (
            <Link
              key={api.id}
              href={`/apis/${api.slug}`}
              className="api-card"
              data-testid={`api-card-${api.slug}`}
            >
              <div className="row-between">
                <h3>{api.name}</h3>
                <Badge tone="info">{api.version}</Badge>
              </div>
              <p>{api.description ?? 'No description yet.'}</p>
              <code className="pui-hint">{api.gatewayUrl}</code>
              <div className="tags">
                {api.tags.map((tag) => (
                  <Badge key={tag}>{tag}</Badge>
                ))}
                {api.hasOpenApi ? <Badge tone="ok">OpenAPI</Badge> : null}
                {api.mcpEndpoint ? <Badge tone="warn">MCP</Badge> : null}
              </div>
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
