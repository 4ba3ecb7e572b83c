'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager';
import { DataPlanesTable } from '../../../components/data-planes-table';
import { DraftPanel, SnapshotDiffView, shortHash } from '../../../components/draft-diff';
import { TextInput, useForm } from '../../../components/fields';
import { MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
import { useSession } from '../../../components/session';
import { Table } from '../../../components/table';
import {
  Badge,
  ConfirmButton,
  ErrorAlert,
  formatDate,
  PageHeader,
  Skeleton,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { CompareForm } from './compare-form';

const ZPublish = z.object({ message: z.string().trim().min(1, 'must not be empty').max(500) });

function PublishForm({ nothingToPublish }: { nothingToPublish: boolean }) {
  const trpc = useTRPC();
  const form = useForm(ZPublish, { message: '' });
  const invalidate = useInvalidate(trpc.config.pathKey());
  const publish = useMutation(trpc.config.publish.mutationOptions({ onSuccess: invalidate }));
  return (
    <MutationForm
      form={form}
      error={publish.error}
      onValid={async (input) => {
        await publish.mutateAsync(input);
        form.setDraft({ message: '' });
        form.touched.reset();
      }}
    >
      {publish.data ? (
        <div className="alert ok" role="status">
          Published v{publish.data.number}. Gateways pick it up within seconds.
        </div>
      ) : null}
      <div className="form-row" style={{ alignItems: 'end' }}>
        <TextInput path="message" label="Publish message" placeholder="What changed and why" />
        <div>
          <button
            type="submit"
            className="primary"
            disabled={publish.isPending || nothingToPublish}
          >
            Publish
          </button>
        </div>
      </div>
    </MutationForm>
  );
}

export default function ConfigPage() {
  const trpc = useTRPC();
  const session = useSession();
  const draft = useQuery(trpc.config.draftDiff.queryOptions());
  const pages = useCursorPages<number>();
  const { cursor } = pages;
  const versions = useQuery(
    trpc.config.versions.queryOptions(cursor === undefined ? { limit: 10 } : { cursor, limit: 10 }),
  );
  const nodes = useQuery({ ...trpc.dataPlanes.list.queryOptions(), refetchInterval: 5_000 });
  const [pair, setPair] = useState<{ a: number; b: number } | null>(null);
  const diff = useQuery({
    ...trpc.config.diff.queryOptions(pair ?? { a: 1, b: 1 }),
    enabled: pair !== null,
  });
  const invalidate = useInvalidate(trpc.config.pathKey());
  const rollback = useMutation(trpc.config.rollback.mutationOptions({ onSuccess: invalidate }));
  // The newest version exists only on the first page; rolling back to it would change nothing.
  const latestShown = cursor === undefined ? versions.data?.items[0]?.number : undefined;
  const runningOn = new Map<number, string[]>();
  for (const n of nodes.data?.nodes ?? []) {
    runningOn.set(n.appliedVersion, [...(runningOn.get(n.appliedVersion) ?? []), n.hostname]);
  }

  return (
    <>
      <PageHeader
        title="Config"
        description="Changes are drafts until published; gateways run published versions only."
      />
      <DraftPanel title="Pending changes" draft={draft} blocked="The draft cannot be published">
        {(valid) => (
          <>
            {valid.diff.identical ? (
              <p className="muted" data-testid="nothing-to-publish">
                Nothing to publish: the draft matches{' '}
                {valid.latestVersion ? `v${valid.latestVersion}` : 'the (empty) start'}.
              </p>
            ) : (
              <SnapshotDiffView diff={valid.diff} />
            )}
            {session.canEdit ? <PublishForm nothingToPublish={valid.diff.identical} /> : null}
          </>
        )}
      </DraftPanel>

      <section className="panel">
        <h2>Version history</h2>
        <ErrorAlert error={versions.error ?? rollback.error} />
        {versions.isPending ? (
          <Skeleton rows={3} />
        ) : versions.data?.items.length === 0 ? (
          <p className="muted">No version published yet. Publish the draft above to create v1.</p>
        ) : (
          <Table
            testId="versions"
            headers={['Version', 'Message', 'Author', 'Published', 'Running on']}
            items={versions.data?.items ?? []}
            rowKey={(v) => String(v.number)}
            cells={(v) => (
              <>
                <td>
                  <strong>v{v.number}</strong>{' '}
                  {v.number === latestShown ? <Badge tone="ok">latest</Badge> : null}
                  {v.rollbackOf ? <Badge tone="warn">rollback of v{v.rollbackOf}</Badge> : null}
                  <div className="muted mono">{shortHash(v.hash)}</div>
                </td>
                <td>{v.message}</td>
                <td>{v.author}</td>
                <td>{formatDate(v.createdAt)}</td>
                <td>{runningOn.get(v.number)?.join(', ') ?? '—'}</td>
              </>
            )}
            actions={(v) =>
              session.canEdit && v.number !== latestShown ? (
                <ConfirmButton
                  label="Roll back"
                  className="small"
                  title={`Roll back to v${v.number}?`}
                  message={`v${v.number}'s configuration is published again as a new version. Your draft is kept; publishing it later brings the newer changes back.`}
                  onConfirm={() => rollback.mutateAsync({ to: v.number })}
                />
              ) : null
            }
            footer={
              <CursorPager label="Version pages" pages={pages} next={versions.data?.nextCursor} />
            }
          />
        )}
      </section>

      <section className="panel">
        <h2>Compare two versions</h2>
        <CompareForm
          latest={versions.data?.items[0]?.number ?? null}
          onCompare={(a, b) => setPair({ a, b })}
        />
        <ErrorAlert error={diff.error} />
        {pair && diff.data ? <SnapshotDiffView diff={diff.data} /> : null}
      </section>

      <section>
        <h2>Data planes</h2>
        {nodes.data ? <DataPlanesTable data={nodes.data} /> : <Skeleton rows={2} />}
      </section>
    </>
  );
}
