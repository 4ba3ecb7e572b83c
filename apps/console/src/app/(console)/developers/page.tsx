'use client';

import {
  Alert,
  Badge,
  Button,
  CodeBlock,
  type Column,
  ConfirmDialog,
  DataTable,
  Dialog,
  FormDialogFooter,
  PageHeader,
  preventingDefault,
  SelectField,
  Skeleton,
  TextField,
  type Tone,
} from '@portico/ui';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { developerColumn } from '../../../components/developer-column';
import { LIST_PAGE_SIZE, useListUrl } from '../../../components/paged-list';
import { useSession } from '../../../components/session';
import { formatDate } from '../../../components/ui';
import { errorMessage, type RouterOutputs, useTRPC } from '../../../lib/trpc';

type Developer = RouterOutputs['portalAdmin']['developers']['page']['items'][number];
type Status = Developer['status'];
type Action = 'approve' | 'reject' | 'suspend' | 'reactivate';

const STATUSES: readonly Status[] = ['active', 'pending', 'rejected', 'suspended'];
// `search` is the page's own submitted search (not the type-ahead `q` of other lists).
const DEVELOPER_FILTERS = { status: '', search: '' } as const;

const STATUS_TONE: Record<Status, Tone> = {
  active: 'ok',
  pending: 'warn',
  rejected: 'neutral',
  suspended: 'danger',
};

const ACTION_COPY: Record<
  Action,
  { label: string; title: string; description: string; destructive: boolean }
> = {
  approve: {
    label: 'Approve',
    title: 'Approve this sign-up?',
    description: 'The developer is mailed that they can sign in to the portal.',
    destructive: false,
  },
  reject: {
    label: 'Reject',
    title: 'Reject this sign-up?',
    description: 'The developer is mailed that the sign-up was declined; they cannot sign in.',
    destructive: true,
  },
  suspend: {
    label: 'Suspend',
    title: 'Suspend this developer?',
    description:
      'They are signed out, and their apps are suspended: every key stops working on every gateway within a second.',
    destructive: true,
  },
  reactivate: {
    label: 'Reactivate',
    title: 'Reactivate this developer?',
    description: 'They can sign in again, and the apps suspended with them work again.',
    destructive: false,
  },
};

function actionsFor(status: Status): Action[] {
  switch (status) {
    case 'pending':
      return ['approve', 'reject'];
    case 'active':
      return ['suspend'];
    case 'suspended':
      return ['reactivate'];
    case 'rejected':
      return [];
    default:
      return status satisfies never;
  }
}

export default function DevelopersPage() {
  return (
    <Suspense fallback={<Skeleton rows={6} />}>
      <Developers />
    </Suspense>
  );
}

/** Developer accounts of the portal: approve or reject sign-ups, suspend, reactivate, invite. */
function Developers() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const paged = useListUrl(DEVELOPER_FILTERS);
  const status = STATUSES.find((s) => s === paged.filters.status) ?? '';
  const search = paged.filters.search;
  const [text, setText] = useState(search);
  const [pending, setPending] = useState<{ developer: Developer; action: Action } | null>(null);
  const [inviting, setInviting] = useState(false);
  const list = useQuery({
    ...trpc.portalAdmin.developers.page.queryOptions({
      ...paged.paging,
      ...(status ? { status } : {}),
      ...(search ? { search } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const setFilter = (name: keyof typeof DEVELOPER_FILTERS, value: string) =>
    paged.setFilters({ [name]: value });
  const { index, previous, next } = paged.pages;
  const done = () => {
    setPending(null);
    return queryClient.invalidateQueries({ queryKey: trpc.portalAdmin.developers.pathKey() });
  };
  const approve = useMutation(
    trpc.portalAdmin.developers.approve.mutationOptions({ onSuccess: done }),
  );
  const reject = useMutation(
    trpc.portalAdmin.developers.reject.mutationOptions({ onSuccess: done }),
  );
  const suspend = useMutation(
    trpc.portalAdmin.developers.suspend.mutationOptions({ onSuccess: done }),
  );
  const reactivate = useMutation(
    trpc.portalAdmin.developers.reactivate.mutationOptions({ onSuccess: done }),
  );
  const mutations = { approve, reject, suspend, reactivate };
  const current = pending ? mutations[pending.action] : null;

  const columns: Column<Developer>[] = [
    developerColumn('name'),
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <Badge tone={STATUS_TONE[d.status]} testId={`developer-status-${d.email}`}>
          {d.status}
        </Badge>
      ),
    },
    {
      id: 'verified',
      header: 'Email',
      cell: (d) =>
        d.emailVerifiedAt ? 'verified' : <span className="pui-muted">not verified</span>,
    },
    { id: 'apps', header: 'Apps', align: 'right', cell: (d) => d.appCount },
    { id: 'joined', header: 'Signed up', cell: (d) => formatDate(d.createdAt) },
    {
      id: 'actions',
      header: '',
      align: 'right',
      cell: (d) =>
        session.canAdmin ? (
          <div style={{ display: 'flex', gap: 6, justifyContent: 'flex-end' }}>
            {actionsFor(d.status).map((action) => (
              <Button
                key={action}
                size="sm"
                variant={action === 'approve' || action === 'reactivate' ? 'primary' : 'secondary'}
                onClick={() => setPending({ developer: d, action })}
              >
                {ACTION_COPY[action].label}
              </Button>
            ))}
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Developers"
        description="People who signed up in the developer portal. Approve sign-ups, suspend or reactivate accounts."
        actions={
          session.canAdmin ? (
            <Button variant="primary" onClick={() => setInviting(true)}>
              Invite a developer
            </Button>
          ) : null
        }
      />
      <div
        style={{
          display: 'flex',
          gap: 12,
          alignItems: 'flex-end',
          marginBottom: 16,
          flexWrap: 'wrap',
        }}
      >
        <form
          onSubmit={preventingDefault(() => setFilter('search', text.trim()))}
          style={{ minWidth: 280 }}
        >
          <TextField
            label="Search"
            type="search"
            placeholder="Name or email"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </form>
        <SelectField
          label="Status"
          value={status}
          options={[
            { value: '', label: 'All' },
            { value: 'pending', label: 'Pending approval' },
            { value: 'active', label: 'Active' },
            { value: 'suspended', label: 'Suspended' },
            { value: 'rejected', label: 'Rejected' },
          ]}
          onChange={(e) => setFilter('status', e.target.value)}
        />
      </div>
      {list.error ? <Alert>{errorMessage(list.error)}</Alert> : null}
      <div className="pui-card">
        {list.data ? (
          <DataTable
            label="Developers"
            columns={columns}
            rows={list.data.items}
            rowKey={(d) => d.id}
            page={{
              pageIndex: index,
              pageSize: LIST_PAGE_SIZE,
              rowCount: Math.max(list.data.total, index * LIST_PAGE_SIZE + list.data.items.length),
              onPageChange: (to) => {
                if (to < index) previous();
                else if (list.data.nextCursor) next(list.data.nextCursor);
              },
            }}
            empty={
              status || search ? 'No developer matches these filters.' : 'Nobody has signed up yet.'
            }
            testId="developers-table"
          />
        ) : (
          <Skeleton rows={5} />
        )}
      </div>
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        title={pending ? ACTION_COPY[pending.action].title : ''}
        description={
          pending
            ? `${pending.developer.name} (${pending.developer.email}). ${ACTION_COPY[pending.action].description}`
            : ''
        }
        confirmLabel={pending ? ACTION_COPY[pending.action].label : ''}
        destructive={pending ? ACTION_COPY[pending.action].destructive : false}
        busy={current?.isPending ?? false}
        onConfirm={() => pending && mutations[pending.action].mutate({ id: pending.developer.id })}
      >
        {current?.error ? <Alert>{errorMessage(current.error)}</Alert> : null}
      </ConfirmDialog>
      <InviteDialog open={inviting} onOpenChange={setInviting} />
    </>
  );
}

function InviteDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const invite = useMutation(trpc.portalAdmin.developers.invite.mutationOptions());
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) {
          invite.reset();
          setEmail('');
        }
      }}
      title="Invite a developer"
      description="They get a link to sign up, even when the portal is invite-only. Invited accounts skip approval."
      footer={
        invite.data ? (
          <Button onClick={() => onOpenChange(false)}>Done</Button>
        ) : (
          <FormDialogFooter
            formId="invite-form"
            submitLabel="Send invitation"
            busy={invite.isPending}
            onCancel={() => onOpenChange(false)}
          />
        )
      }
    >
      {invite.error ? <Alert>{errorMessage(invite.error)}</Alert> : null}
      {invite.data ? (
        <>
          <Alert tone={invite.data.mailSent ? 'ok' : 'warn'}>
            {invite.data.mailSent
              ? `Mailed to ${email}.`
              : 'No mail server is configured: send this link yourself.'}
          </Alert>
          <CodeBlock code={invite.data.inviteUrl} language="Invitation link" />
        </>
      ) : (
        <form
          id="invite-form"
          onSubmit={(event) => {
            event.preventDefault();
            invite.mutate({ email });
          }}
        >
          <TextField
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </form>
      )}
    </Dialog>
  );
}
