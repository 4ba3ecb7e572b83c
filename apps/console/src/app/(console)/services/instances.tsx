'use client';

import { ZNodeStatusReport } from '@portico/config';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { Table } from '../../../components/table';
import {
  Badge,
  type BadgeTone,
  EmptyState,
  ErrorAlert,
  Skeleton,
  timeAgo,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

// A node's `health` is the `services` part of its last status report.
const ZReportedServices = ZNodeStatusReport.shape.services.unwrap();
type ReportedInstance = z.infer<typeof ZReportedServices>[number]['instances'][number];

const TONE: Record<ReportedInstance['state'], BadgeTone> = {
  healthy: 'ok',
  unhealthy: 'danger',
  ejected: 'warn',
  draining: 'neutral',
};

/**
 * The live instance list of one service as the gateways see it (their last status reports),
 * with each instance's state and why it is out of rotation. Refreshes every 5 s.
 */
export function ServiceInstances({ serviceId }: { serviceId: string }) {
  const trpc = useTRPC();
  const nodes = useQuery({ ...trpc.dataPlanes.list.queryOptions(), refetchInterval: 5_000 });
  if (nodes.isPending) return <Skeleton rows={2} />;
  if (nodes.error) return <ErrorAlert error={nodes.error} />;
  const rows: (ReportedInstance & { node: string; seen: string })[] = [];
  for (const node of nodes.data.nodes) {
    if (node.stale) continue;
    const parsed = ZReportedServices.safeParse(node.health);
    if (!parsed.success) continue;
    for (const service of parsed.data) {
      if (service.serviceId !== serviceId) continue;
      for (const instance of service.instances)
        rows.push({ ...instance, node: node.hostname, seen: node.lastSeenAt });
    }
  }
  if (rows.length === 0) {
    return (
      <EmptyState title="No gateway has reported instances for this service">
        Gateways report instance health after the service is published and they have routed to it.
      </EmptyState>
    );
  }
  return (
    <Table
      headers={['Instance', 'State', 'Reason', 'Reported by']}
      items={rows}
      rowKey={(r) => `${r.node}/${r.id}`}
      cells={(r) => (
        <>
          <td className="mono">
            {r.address}:{r.port}
          </td>
          <td>
            <Badge tone={TONE[r.state]}>{r.state}</Badge>
          </td>
          <td>{r.reason ?? '—'}</td>
          <td>
            {r.node} <span className="muted">{timeAgo(r.seen)}</span>
          </td>
        </>
      )}
    />
  );
}
