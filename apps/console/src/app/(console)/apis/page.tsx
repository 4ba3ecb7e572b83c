'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { useSession } from '../../../components/session';
import {
  Badge,
  ConfirmButton,
  Dialog,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Skeleton,
  usePaged,
} from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';
import { ApiForm } from './api-form';
import { ImportOpenApiForm } from './import-form';
import { McpEndpoint } from './mcp-endpoint';

type ApiView = RouterOutputs['apis']['list'][number];

export default function ApisPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const apis = useQuery({
    ...trpc.apis.list.queryOptions(deferred ? { search: deferred } : {}),
    placeholderData: (previous) => previous,
  });
  const [editing, setEditing] = useState<ApiView | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [showingMcp, setShowingMcp] = useState<ApiView | null>(null);
  const remove = useMutation(
    trpc.apis.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apis.pathKey() }),
    }),
  );
  const { rows, pager } = usePaged(apis.data ?? []);

  return (
    <>
      <PageHeader
        title="APIs"
        description="What the gateways serve: base path, hosts, auth, policies and routes."
        actions={
          session.canEdit ? (
            <>
              <button type="button" onClick={() => setImporting(true)}>
                Import OpenAPI
              </button>
              <button type="button" className="primary" onClick={() => setEditing('new')}>
                New API
              </button>
            </>
          ) : null
        }
      />
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search APIs"
          placeholder="Search by name or path…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ maxWidth: 320 }}
        />
      </div>
      <ErrorAlert error={apis.error} />
      {apis.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title={deferred ? `No API matches “${deferred}”` : 'No APIs yet'}>
            {deferred
              ? 'Try another search.'
              : session.canEdit
                ? 'Create an API on a service, or import an OpenAPI document. Publish to make it live.'
                : 'Nothing has been configured yet.'}
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Base path</th>
                <th>Service</th>
                <th>Auth</th>
                <th>Routes</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>
                    <strong>{a.name}</strong> <span className="muted">{a.version}</span>
                    {a.visibility === 'private' ? (
                      <>
                        {' '}
                        <Badge>private</Badge>
                      </>
                    ) : null}
                    {a.hosts.length ? <div className="muted">{a.hosts.join(', ')}</div> : null}
                  </td>
                  <td className="mono">{a.basePath}</td>
                  <td>{a.serviceName}</td>
                  <td>
                    <Badge tone={a.auth.type === 'none' ? 'warn' : 'info'}>{a.auth.type}</Badge>
                  </td>
                  <td>
                    {a.routes.length}
                    {a.hasOpenApiDocument ? (
                      <>
                        {' '}
                        <Badge>OpenAPI</Badge>
                      </>
                    ) : null}
                    {a.mcpEndpoint !== null ? (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="small"
                          title={`MCP endpoint ${a.mcpEndpoint}`}
                          onClick={() => setShowingMcp(a)}
                        >
                          MCP
                        </button>
                      </>
                    ) : null}
                  </td>
                  <td className="actions">
                    {session.canEdit ? (
                      <>
                        <button type="button" className="small" onClick={() => setEditing(a)}>
                          Edit
                        </button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete API ${a.name}?`}
                          message="Its routes stop being served after the next publish. Plans lose this API."
                          onConfirm={() => remove.mutateAsync({ id: a.id })}
                        />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pager}
        </div>
      )}
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New API' : `Edit ${editing?.name ?? ''}`}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <ApiForm
            key={editing === 'new' ? 'new' : editing.id}
            api={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
      <Dialog
        open={showingMcp !== null}
        title={`MCP for ${showingMcp?.name ?? ''}`}
        onClose={() => setShowingMcp(null)}
      >
        {showingMcp?.mcpEndpoint ? (
          <McpEndpoint apiName={showingMcp.name} endpoint={showingMcp.mcpEndpoint} />
        ) : null}
      </Dialog>
      <Dialog
        open={importing}
        title="Import an OpenAPI document"
        onClose={() => setImporting(false)}
      >
        {importing ? <ImportOpenApiForm onDone={() => setImporting(false)} /> : null}
      </Dialog>
    </>
  );
}
