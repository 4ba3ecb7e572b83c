'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../../components/session';
import {
  Badge,
  type BadgeTone,
  ConfirmButton,
  EmptyState,
  ErrorAlert,
  formatDate,
  PageHeader,
  Skeleton,
  usePaged,
} from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

const STATUSES = ['pending', 'active', 'rejected', 'cancelled'] as const;
const TONE: Record<(typeof STATUSES)[number], BadgeTone> = {
  pending: 'warn',
  active: 'ok',
  rejected: 'danger',
  cancelled: 'neutral',
};

export default function SubscriptionsPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const subs = useQuery(trpc.subscriptions.list.queryOptions(status ? { status } : {}));
  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() });
  const approve = useMutation(
    trpc.subscriptions.approve.mutationOptions({ onSuccess: invalidate }),
  );
  const reject = useMutation(trpc.subscriptions.reject.mutationOptions({ onSuccess: invalidate }));
  const cancel = useMutation(trpc.subscriptions.cancel.mutationOptions({ onSuccess: invalidate }));
  const { rows, pager } = usePaged(subs.data ?? []);
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Which consumer uses which plan. Approve or reject pending requests."
      />
      <div className="toolbar">
        <label htmlFor="sub-status">Status</label>
        <select
          id="sub-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
          style={{ maxWidth: 200 }}
        >
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={subs.error ?? approve.error ?? reject.error} />
      {subs.isPending ? (
        <Skeleton />
      ) : rows.length === 0 ? (
        <div className="panel">
          <EmptyState title="No subscriptions">
            Subscribe a consumer to a plan from the Consumers page.
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Consumer</th>
                <th>Plan</th>
                <th>Status</th>
                <th>Requested</th>
                <th>Decided</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>{s.consumerName}</td>
                  <td>{s.planName}</td>
                  <td>
                    <Badge tone={TONE[s.status]}>{s.status}</Badge>
                  </td>
                  <td>{formatDate(s.createdAt)}</td>
                  <td>{decidedLabel(s)}</td>
                  <td className="actions">
                    {session.canEdit && s.status === 'pending' ? (
                      <>
                        <button
                          type="button"
                          className="small primary"
                          onClick={() => approve.mutate({ id: s.id })}
                        >
                          Approve
                        </button>
                        <button
                          type="button"
                          className="small danger"
                          onClick={() => reject.mutate({ id: s.id })}
                        >
                          Reject
                        </button>
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
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pager}
        </div>
      )}
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
