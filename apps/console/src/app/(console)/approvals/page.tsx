'use client';

import {
  Alert,
  Badge,
  Button,
  Card,
  type Column,
  DataTable,
  EmptyState,
  PageHeader,
  Skeleton,
} from '@portico/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { developerColumn } from '../../../components/developer-column';
import { useSession } from '../../../components/session';
import { formatDate } from '../../../components/ui';
import { errorMessage, type RouterOutputs, useTRPC } from '../../../lib/trpc';

type Approvals = RouterOutputs['portalAdmin']['approvals']['list'];
type SignUp = Approvals['signUps'][number];
type PendingSubscription = Approvals['subscriptions'][number];

/** Everything waiting for an operator: developer sign-ups and subscriptions to approval plans. */
export default function ApprovalsPage() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const approvals = useQuery(trpc.portalAdmin.approvals.list.queryOptions());
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.portalAdmin.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() }),
    ]);
  const approveSignUp = useMutation(
    trpc.portalAdmin.developers.approve.mutationOptions({ onSuccess: refresh }),
  );
  const rejectSignUp = useMutation(
    trpc.portalAdmin.developers.reject.mutationOptions({ onSuccess: refresh }),
  );
  const approveSub = useMutation(
    trpc.subscriptions.approve.mutationOptions({ onSuccess: refresh }),
  );
  const rejectSub = useMutation(trpc.subscriptions.reject.mutationOptions({ onSuccess: refresh }));
  const failure = approveSignUp.error ?? rejectSignUp.error ?? approveSub.error ?? rejectSub.error;

  const signUpColumns: Column<SignUp>[] = [
    developerColumn('who'),
    {
      id: 'email',
      header: 'Email',
      cell: (u) =>
        u.emailVerifiedAt ? <Badge tone="ok">verified</Badge> : <Badge>not verified</Badge>,
    },
    { id: 'when', header: 'Signed up', cell: (u) => formatDate(u.createdAt) },
    {
      id: 'decide',
      header: '',
      align: 'right',
      cell: (u) =>
        session.canAdmin ? (
          <DecisionButtons id={u.id} approve={approveSignUp} reject={rejectSignUp} />
        ) : null,
    },
  ];
  const subscriptionColumns: Column<PendingSubscription>[] = [
    {
      id: 'app',
      header: 'App',
      cell: (s) => <span style={{ fontWeight: 600 }}>{s.app.name}</span>,
    },
    { id: 'plan', header: 'Plan', cell: (s) => <Badge tone="info">{s.plan.name}</Badge> },
    {
      id: 'owner',
      header: 'Developer',
      cell: (s) =>
        s.owner ? (
          `${s.owner.name} (${s.owner.email})`
        ) : (
          <span className="pui-muted">operator-managed</span>
        ),
    },
    { id: 'when', header: 'Requested', cell: (s) => formatDate(s.createdAt) },
    {
      id: 'decide',
      header: '',
      align: 'right',
      cell: (s) =>
        session.canEdit ? (
          <DecisionButtons id={s.id} approve={approveSub} reject={rejectSub} />
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Developer sign-ups and subscriptions to plans that need an operator's approval."
      />
      {approvals.error ? <Alert>{errorMessage(approvals.error)}</Alert> : null}
      {failure ? <Alert>{errorMessage(failure)}</Alert> : null}
      {approvals.data ? (
        <>
          <PendingCard noun="sign-up" columns={signUpColumns} rows={approvals.data.signUps} />
          <PendingCard
            noun="subscription"
            columns={subscriptionColumns}
            rows={approvals.data.subscriptions}
          />
        </>
      ) : (
        <Skeleton rows={6} />
      )}
    </>
  );
}

/** A decision mutation on one row, by id. */
interface RowDecision {
  isPending: boolean;
  variables?: { id: string } | undefined;
  mutate: (input: { id: string }) => void;
}

/** Approve and Reject at the end of a waiting row; the one under way shows as busy. */
function DecisionButtons({
  id,
  approve,
  reject,
}: {
  id: string;
  approve: RowDecision;
  reject: RowDecision;
}) {
  const busy = (decision: RowDecision) => decision.isPending && decision.variables?.id === id;
  return (
    <div style={{ display: 'flex', gap: 6, justifyContent: 'flex-end' }}>
      <Button
        size="sm"
        variant="primary"
        busy={busy(approve)}
        onClick={() => approve.mutate({ id })}
      >
        Approve
      </Button>
      <Button size="sm" busy={busy(reject)} onClick={() => reject.mutate({ id })}>
        Reject
      </Button>
    </div>
  );
}

/**
 * One kind of waiting item (`noun`, as in "sign-up"): a card titled with their count, the table
 * (test id `pending-<noun>s`) or its empty state.
 */
function PendingCard<Row extends { id: string }>({
  noun,
  columns,
  rows,
}: {
  noun: string;
  columns: Column<Row>[];
  rows: Row[];
}) {
  const plural = `${noun}s`;
  return (
    <Card
      title={
        <>
          {plural.charAt(0).toUpperCase() + plural.slice(1)}{' '}
          <Badge tone="warn">{rows.length}</Badge>
        </>
      }
    >
      {rows.length === 0 ? (
        <EmptyState title={`No ${noun} is waiting`} />
      ) : (
        <DataTable
          label={`Pending ${plural}`}
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          testId={`pending-${plural}`}
        />
      )}
    </Card>
  );
}
