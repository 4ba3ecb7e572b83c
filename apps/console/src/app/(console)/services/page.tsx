'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
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
import { ServiceInstances } from './instances';
import { ServiceForm } from './service-form';

type ServiceView = RouterOutputs['services']['list'][number];

export default function ServicesPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.services.list.queryOptions());
  const [editing, setEditing] = useState<ServiceView | 'new' | null>(null);
  const [watching, setWatching] = useState<ServiceView | null>(null);
  const remove = useMutation(
    trpc.services.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.services.pathKey() }),
    }),
  );
  const { rows, pager } = usePaged(services.data ?? []);

  return (
    <>
      <PageHeader
        title="Services"
        description="Upstreams that APIs route to: static targets or instances from a registry."
        actions={
          session.canEdit ? (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New service
            </button>
          ) : null
        }
      />
      <ErrorAlert error={services.error} />
      {services.isPending ? (
        <Skeleton />
      ) : services.data?.length === 0 ? (
        <div className="panel">
          <EmptyState title="No services yet">
            {session.canEdit
              ? 'Create a service for each upstream your APIs route to, then create an API on it.'
              : 'An editor has not created any services yet.'}
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Instances</th>
                <th>Load balancing</th>
                <th>Health checks</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    <strong>{s.name}</strong>
                    {s.description ? <div className="muted">{s.description}</div> : null}
                  </td>
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
                  <td className="actions">
                    <button type="button" className="small" onClick={() => setWatching(s)}>
                      Instances
                    </button>
                    {session.canEdit ? (
                      <>
                        <button type="button" className="small" onClick={() => setEditing(s)}>
                          Edit
                        </button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete service ${s.name}?`}
                          message="APIs routing to this service must be moved or deleted first. The change takes effect on the next publish."
                          onConfirm={() => remove.mutateAsync({ id: s.id })}
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
        open={watching !== null}
        title={`Live instances of ${watching?.name ?? ''}`}
        onClose={() => setWatching(null)}
      >
        {watching ? (
          <div className="form">
            <p className="muted" style={{ margin: 0 }}>
              Reported by gateways; refreshes every 5 s.
            </p>
            <ServiceInstances serviceId={watching.id} />
            <div className="form-actions">
              <button type="button" onClick={() => setWatching(null)}>
                Close
              </button>
            </div>
          </div>
        ) : null}
      </Dialog>
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New service' : `Edit ${editing?.name ?? ''}`}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <ServiceForm
            key={editing === 'new' ? 'new' : editing.id}
            service={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
    </>
  );
}
