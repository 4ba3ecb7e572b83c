'use client';

import { useQuery } from '@tanstack/react-query';
import { DataPlanesTable } from '../../../components/data-planes-table';
import { ErrorAlert, PageHeader, Skeleton } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

export default function DataPlanesPage() {
  const trpc = useTRPC();
  const nodes = useQuery({ ...trpc.dataPlanes.list.queryOptions(), refetchInterval: 5_000 });
  return (
    <>
      <PageHeader
        title="Data planes"
        description={
          nodes.data
            ? `Latest published version: ${nodes.data.latestVersion === null ? 'none yet' : `v${nodes.data.latestVersion}`}. Refreshes every 5 s.`
            : 'Gateway nodes and the config version each runs.'
        }
      />
      <ErrorAlert error={nodes.error} />
      {nodes.data ? <DataPlanesTable data={nodes.data} /> : nodes.isPending ? <Skeleton /> : null}
    </>
  );
}
