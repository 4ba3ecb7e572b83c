'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EditorDialog, ItemDialog, useEditing } from '../../../components/dialogs';
import {
  EditDeleteActions,
  NameCell,
  NewButton,
  RowButton,
  useInvalidate,
} from '../../../components/list-page';
import { NO_FILTERS, PagedList, useListUrl } from '../../../components/paged-list';
import { useSession } from '../../../components/session';
import { Badge, PageHeader } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';
import { ServiceInstances } from './instances';
import { ServiceForm } from './service-form';

type ServiceView = RouterOutputs['services']['page']['items'][number];

export default function ServicesPage() {
  const trpc = useTRPC();
  const session = useSession();
  const list = useListUrl(NO_FILTERS);
  const services = useQuery({
    ...trpc.services.page.queryOptions(list.paging),
    placeholderData: keepPreviousData,
  });
  const { editing, edit, close } = useEditing<ServiceView>();
  const [watching, setWatching] = useState<ServiceView | null>(null);
  const invalidate = useInvalidate(trpc.services.pathKey());
  const remove = useMutation(trpc.services.delete.mutationOptions({ onSuccess: invalidate }));

  return (
    <>
      <PageHeader
        title="Services"
        description="Upstreams that APIs route to: static targets or instances from a registry."
        actions={<NewButton label="New service" onClick={() => edit('new')} />}
      />
      <PagedList
        query={services}
        list={list}
        noun="service"
        search={{ label: 'Search services', placeholder: 'Search services…' }}
        emptyTitle="No services yet"
        emptyText={
          session.canEdit
            ? 'Create a service for each upstream your APIs route to, then create an API on it.'
            : 'An editor has not created any services yet.'
        }
        headers={['Name', 'Instances', 'Load balancing', 'Health checks']}
        cells={(s) => (
          <>
            <NameCell name={s.name} description={s.description} />
            <td>
              {s.discovery ? (
                <>
                  <Badge tone="info">registry</Badge> {s.discovery.registry} /{' '}
                  <span className="mono">{s.discovery.service}</span>
                </>
              ) : (
                <span className="mono">
                  {s.targets.map((t) => `${t.host}:${t.port}`).join(', ') || '—'}
                </span>
              )}
            </td>
            <td>{s.settings.loadBalancer.algorithm}</td>
            <td>
              {s.settings.healthCheck.active.enabled ? <Badge tone="ok">active</Badge> : null}{' '}
              {s.settings.healthCheck.passive.enabled ? <Badge>passive</Badge> : null}{' '}
              {s.settings.circuitBreaker.enabled ? <Badge tone="warn">breaker</Badge> : null}
            </td>
          </>
        )}
        actions={(s) => (
          <>
            <RowButton onClick={() => setWatching(s)}>Instances</RowButton>
            <EditDeleteActions
              noun="service"
              name={s.name}
              deleteMessage="APIs routing to this service must be moved or deleted first. The change takes effect on the next publish."
              onEdit={() => edit(s)}
              onDelete={() => remove.mutateAsync({ id: s.id })}
            />
          </>
        )}
      />
      <ItemDialog
        item={watching}
        title={(s) => `Live instances of ${s.name}`}
        onClose={() => setWatching(null)}
      >
        {(s) => (
          <div className="form">
            <p className="muted" style={{ margin: 0 }}>
              Reported by gateways; refreshes every 5 s.
            </p>
            <ServiceInstances serviceId={s.id} />
            <div className="form-actions">
              <button type="button" onClick={() => setWatching(null)}>
                Close
              </button>
            </div>
          </div>
        )}
      </ItemDialog>
      <EditorDialog noun="service" editing={editing} onClose={close}>
        {(service) => <ServiceForm service={service} onDone={close} />}
      </EditorDialog>
    </>
  );
}
