'use client';

import {
  Badge,
  Button,
  Card,
  type Column,
  DataTable,
  Dialog,
  EmptyState,
  FormDialogFooter,
  fieldError,
  Menu,
  ProblemForm,
  TextAreaField,
  TextField,
} from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ConfirmItemDialog, useCloseThenRefresh } from '../../../../components/confirm-item-dialog';
import { relativeTime } from '../../../../lib/format';
import { useTRPC } from '../../../../lib/trpc';

export interface AppRow {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'suspended';
  createdAt: string;
  plans: { name: string; status: string }[];
  activeKeys: number;
}

/** Where the list is: the page shown, and the `?pages=` values one page back and on. */
export interface AppsPaging {
  index: number;
  pageSize: number;
  total: number;
  previous: string;
  /** Null on the last page. */
  next: string | null;
}

/** The developer's apps, one page of them: create, rename, delete. */
export function AppsView({ apps, paging }: { apps: AppRow[]; paging: AppsPaging }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<AppRow | null>(null);
  const [deleting, setDeleting] = useState<AppRow | null>(null);

  const columns: Column<AppRow>[] = [
    {
      id: 'name',
      header: 'App',
      cell: (app) => (
        <div>
          <Link href={`/apps/${app.id}`} className="strong-link">
            {app.name}
          </Link>
          {app.description ? <div className="pui-hint">{app.description}</div> : null}
        </div>
      ),
    },
    {
      id: 'plan',
      header: 'Plan',
      cell: (app) =>
        app.plans.length === 0 ? (
          <span className="pui-muted">No plan yet</span>
        ) : (
          <div className="row">
            {app.plans.map((p) => (
              <Badge key={p.name} tone={p.status === 'active' ? 'ok' : 'warn'}>
                {p.name}
                {p.status === 'pending' ? ' · pending' : ''}
              </Badge>
            ))}
          </div>
        ),
    },
    { id: 'keys', header: 'Active keys', align: 'right', cell: (app) => app.activeKeys },
    {
      id: 'status',
      header: 'Status',
      cell: (app) => <Badge tone={app.status === 'active' ? 'ok' : 'danger'}>{app.status}</Badge>,
    },
    { id: 'created', header: 'Created', cell: (app) => relativeTime(app.createdAt) },
    {
      id: 'actions',
      header: '',
      align: 'right',
      cell: (app) => (
        <Menu
          label={`Actions for ${app.name}`}
          trigger={
            <Button size="sm" variant="ghost" aria-label={`Actions for ${app.name}`}>
              •••
            </Button>
          }
          items={[
            { label: 'Rename', onSelect: () => setRenaming(app) },
            { label: 'Delete', destructive: true, onSelect: () => setDeleting(app) },
          ]}
        />
      ),
    },
  ];

  const newApp = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New app
    </Button>
  );
  return (
    <>
      <Card title="Your apps" actions={newApp}>
        {apps.length === 0 && paging.index === 0 ? (
          <EmptyState title="Create your first app" action={newApp}>
            Subscribe it to a plan, then create a key to call the APIs.
          </EmptyState>
        ) : (
          <DataTable
            label="Apps"
            columns={columns}
            rows={apps}
            rowKey={(a) => a.id}
            page={{
              pageIndex: paging.index,
              pageSize: paging.pageSize,
              rowCount: paging.total,
              onPageChange: (to) => {
                const pages = to < paging.index ? paging.previous : paging.next;
                if (pages !== null) router.push(pages ? `/apps?pages=${pages}` : '/apps');
              },
            }}
            testId="apps-table"
          />
        )}
      </Card>
      <AppFormDialog open={creating} onOpenChange={setCreating} app={null} />
      <AppFormDialog
        open={renaming !== null}
        onOpenChange={(open) => !open && setRenaming(null)}
        app={renaming}
      />
      <DeleteAppDialog app={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function AppFormDialog({
  open,
  onOpenChange,
  app,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  app: AppRow | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [prefilled, setPrefilled] = useState<string | null>(null);
  if (open && (app?.id ?? 'new') !== prefilled) {
    setPrefilled(app?.id ?? 'new');
    setName(app?.name ?? '');
    setDescription(app?.description ?? '');
  }
  const done = (id: string) => {
    onOpenChange(false);
    setPrefilled(null);
    if (app) router.refresh();
    else router.push(`/apps/${id}`);
  };
  const create = useMutation(
    trpc.portal.apps.create.mutationOptions({ onSuccess: (c) => done(c.id) }),
  );
  const update = useMutation(
    trpc.portal.apps.update.mutationOptions({ onSuccess: (c) => done(c.id) }),
  );
  const mutation = app ? update : create;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) setPrefilled(null);
      }}
      title={app ? `Rename ${app.name}` : 'New app'}
      description={app ? undefined : 'Names are unique: use something like "billing-prod".'}
      footer={
        <FormDialogFooter
          formId="app-form"
          submitLabel={app ? 'Save' : 'Create app'}
          busy={mutation.isPending}
          onCancel={() => onOpenChange(false)}
        />
      }
    >
      <ProblemForm
        id="app-form"
        error={mutation.error}
        fields={['name']}
        onSubmit={() => {
          const desc = description.trim() || undefined;
          if (app) update.mutate({ id: app.id, name, description: desc ?? null });
          else create.mutate({ name, ...(desc ? { description: desc } : {}) });
        }}
      >
        <TextField
          label="Name"
          required
          autoFocus
          value={name}
          error={fieldError(mutation.error, 'name')}
          hint="Letters, digits and dashes."
          onChange={(e) => setName(e.target.value)}
        />
        <TextAreaField
          label="Description (optional)"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </ProblemForm>
    </Dialog>
  );
}

function DeleteAppDialog({ app, onClose }: { app: AppRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const done = useCloseThenRefresh(onClose);
  const remove = useMutation(trpc.portal.apps.delete.mutationOptions({ onSuccess: done }));
  return (
    <ConfirmItemDialog
      item={app}
      onClose={onClose}
      title={`Delete ${app?.name ?? 'app'}?`}
      description="Its keys stop working at once and its subscriptions end. This cannot be undone."
      confirmLabel="Delete app"
      mutation={remove}
      onConfirm={(row) => remove.mutate({ id: row.id })}
    />
  );
}
