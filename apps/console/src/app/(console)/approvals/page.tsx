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
    {
      id: 'who',
      header: 'Developer',
      cell: (u) => (
        <div>
          <div style={{ fontWeight: 600 }}>{u.name}</div>
          <div className="pui-hint">{u.email}</div>
        </div>
      ),
    },
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
          <div style={{ display: 'flex', gap: 6, justifyContent: 'flex-end' }}>
            <Button
              size="sm"
              variant="primary"
              busy={approveSignUp.isPending && approveSignUp.variables?.id === u.id}
              onClick={() => approveSignUp.mutate({ id: u.id })}
            >
              Approve
            </Button>
            <Button
              size="sm"
              busy={rejectSignUp.isPending && rejectSignUp.variables?.id === u.id}
              onClick={() => rejectSignUp.mutate({ id: u.id })}
            >
              Reject
            </Button>
          </div>
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
          <div style={{ display: 'flex', gap: 6, justifyContent: 'flex-end' }}>
            <Button
              size="sm"
              variant="primary"
              busy={approveSub.isPending && approveSub.variables?.id === s.id}
              onClick={() => approveSub.mutate({ id: s.id })}
            >
              Approve
            </Button>
            <Button
              size="sm"
              busy={rejectSub.isPending && rejectSub.variables?.id === s.id}
              onClick={() => rejectSub.mutate({ id: s.id })}
            >
              Reject
            </Button>
          </div>
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
          <Card
            title={
              <>
                Sign-ups <Badge tone="warn">{approvals.data.signUps.length}</Badge>
              </>
            }
          >
            {approvals.data.signUps.length === 0 ? (
              <EmptyState title="No sign-up is waiting" />
            ) : (
              <DataTable
                label="Pending sign-ups"
                columns={signUpColumns}
                rows={approvals.data.signUps}
                rowKey={(u) => u.id}
                testId="pending-sign-ups"
              />
            )}
          </Card>
          <Card
            title={
              <>
                Subscriptions <Badge tone="warn">{approvals.data.subscriptions.length}</Badge>
              </>
            }
          >
            {approvals.data.subscriptions.length === 0 ? (
              <EmptyState title="No subscription is waiting" />
            ) : (
              <DataTable
                label="Pending subscriptions"
                columns={subscriptionColumns}
                rows={approvals.data.subscriptions}
                rowKey={(s) => s.id}
                testId="pending-subscriptions"
              />
            )}
          </Card>
        </>
      ) : (
        <Skeleton rows={6} />
      )}
    </>
  );
}
