'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EditorDialog, ItemDialog, useEditing } from '../../../components/dialogs';
import { EditDeleteActions, NewButton, useInvalidate } from '../../../components/list-page';
import { NO_FILTERS, PagedList, useListUrl } from '../../../components/paged-list';
import { useSession } from '../../../components/session';
import { Badge, Dialog, PageHeader } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';
import { ApiForm } from './api-form';
import { ImportOpenApiForm } from './import-form';
import { McpEndpoint } from './mcp-endpoint';

type ApiView = RouterOutputs['apis']['page']['items'][number];

export default function ApisPage() {
  const trpc = useTRPC();
  const session = useSession();
  const list = useListUrl(NO_FILTERS);
  const apis = useQuery({
    ...trpc.apis.page.queryOptions(list.paging),
    placeholderData: keepPreviousData,
  });
  const { editing, edit, close } = useEditing<ApiView>();
  const [importing, setImporting] = useState(false);
  const [showingMcp, setShowingMcp] = useState<ApiView | null>(null);
  const invalidate = useInvalidate(trpc.apis.pathKey());
  const remove = useMutation(trpc.apis.delete.mutationOptions({ onSuccess: invalidate }));

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
              <NewButton label="New API" onClick={() => edit('new')} />
            </>
          ) : null
        }
      />
      <PagedList
        query={apis}
        list={list}
        noun="API"
        search={{ label: 'Search APIs', placeholder: 'Search by name or path…' }}
        emptyTitle="No APIs yet"
        emptyText={
          session.canEdit
            ? 'Create an API on a service, or import an OpenAPI document. Publish to make it live.'
            : 'Nothing has been configured yet.'
        }
        headers={['Name', 'Base path', 'Service', 'Auth', 'Routes']}
        cells={(a) => (
          <>
            <td>
              <strong>{a.name}</strong> <span className="muted">{a.version}</span>
              {a.visibility === 'private' ? (
                <>
                  {' '}
                  <Badge>private</Badge>
                </>
              ) : null}
              {a.hosts.length ? <div className="muted">{a.hosts.join(', ')}</div> : null}
              {a.tags.length ? (
                <div className="tags">
                  {a.tags.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                </div>
              ) : null}
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
          </>
        )}
        actions={(a) => (
          <EditDeleteActions
            noun="API"
            name={a.name}
            deleteMessage="Its routes stop being served after the next publish. Plans lose this API."
            onEdit={() => edit(a)}
            onDelete={() => remove.mutateAsync({ id: a.id })}
          />
        )}
      />
      <EditorDialog noun="API" editing={editing} onClose={close}>
        {(api) => <ApiForm api={api} onDone={close} />}
      </EditorDialog>
      <ItemDialog
        item={showingMcp}
        title={(a) => `MCP for ${a.name}`}
        onClose={() => setShowingMcp(null)}
      >
        {(a) => (a.mcpEndpoint ? <McpEndpoint apiName={a.name} endpoint={a.mcpEndpoint} /> : null)}
      </ItemDialog>
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
