'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { RowButton, useInvalidate } from '../../../components/list-page';
import { PagedList, useListUrl } from '../../../components/paged-list';
import { useSession } from '../../../components/session';
import {
  Badge,
  type BadgeTone,
  ConfirmButton,
  formatDate,
  PageHeader,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

const STATUSES = ['pending', 'active', 'rejected', 'cancelled'] as const;
const TONE: Record<(typeof STATUSES)[number], BadgeTone> = {
  pending: 'warn',
  active: 'ok',
  rejected: 'danger',
  cancelled: 'neutral',
};

const STATUS_OPTIONS = STATUSES.map((s) => ({ value: s, label: s }));
const SUBSCRIPTION_FILTERS = { status: '' } as const;

export default function SubscriptionsPage() {
  const trpc = useTRPC();
  const session = useSession();
  const list = useListUrl(SUBSCRIPTION_FILTERS);
  const status = STATUSES.find((s) => s === list.filters.status) ?? '';
  const subs = useQuery({
    ...trpc.subscriptions.page.queryOptions({ ...list.paging, ...(status ? { status } : {}) }),
    placeholderData: keepPreviousData,
  });
  const invalidate = useInvalidate(trpc.subscriptions.pathKey());
  const approve = useMutation(
    trpc.subscriptions.approve.mutationOptions({ onSuccess: invalidate }),
  );
  const reject = useMutation(trpc.subscriptions.reject.mutationOptions({ onSuccess: invalidate }));
  const cancel = useMutation(trpc.subscriptions.cancel.mutationOptions({ onSuccess: invalidate }));
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Which consumer uses which plan. Approve or reject pending requests."
      />
      <PagedList
        query={subs}
        list={list}
        noun="subscription"
        search={{ label: 'Search subscriptions', placeholder: 'Consumer or plan…' }}
        filters={[
          { key: 'status', label: 'Status', all: 'All', options: STATUS_OPTIONS, maxWidth: 200 },
        ]}
        actionError={approve.error ?? reject.error}
        emptyTitle="No subscriptions"
        emptyText="Subscribe a consumer to a plan from the Consumers page."
        headers={['Consumer', 'Plan', 'Status', 'Requested', 'Decided']}
        cells={(s) => (
          <>
            <td>{s.consumerName}</td>
            <td>{s.planName}</td>
            <td>
              <Badge tone={TONE[s.status]}>{s.status}</Badge>
            </td>
            <td>{formatDate(s.createdAt)}</td>
            <td>{decidedLabel(s)}</td>
          </>
        )}
        actions={(s) => (
          <>
            {session.canEdit && s.status === 'pending' ? (
              <>
                <RowButton tone="primary" onClick={() => approve.mutate({ id: s.id })}>
                  Approve
                </RowButton>
                <RowButton tone="danger" onClick={() => reject.mutate({ id: s.id })}>
                  Reject
                </RowButton>
              </>
            ) : null}
            {session.canEdit && s.status === 'active' ? (
              <ConfirmButton
                label="Cancel"
                title="Cancel this subscription?"
                message={`${s.consumerName} loses access to the APIs of ${s.planName}.`}
                confirmLabel="Cancel subscription"
                onConfirm={() => cancel.mutateAsync({ id: s.id })}
              />
            ) : null}
          </>
        )}
      />
    </>
  );
}

/**
 * When an operator decided, or how the subscription got where it is without one: plans that
 * need no approval activate subscriptions at once.
 */
function decidedLabel(s: { status: string; decidedAt: string | Date | null }): string {
  if (s.decidedAt) return formatDate(s.decidedAt);
  if (s.status === 'pending') return 'awaiting approval';
  if (s.status === 'active') return 'approved automatically';
  return '—';
}
