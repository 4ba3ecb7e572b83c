'use client';

import {
  Alert,
  Badge,
  Button,
  Card,
  CodeBlock,
  type Column,
  DataTable,
  Dialog,
  EXPIRY_OPTIONS,
  ExpiryField,
  errorMessage,
  FormDialogFooter,
  fieldError,
  Menu,
  ProblemForm,
  SelectField,
  type SelectOption,
  TextField,
} from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import {
  ConfirmItemDialog,
  useCloseThenRefresh,
} from '../../../../../components/confirm-item-dialog';
import { dateTime, relativeTime, toDate } from '../../../../../lib/format';
import { rememberKey } from '../../../../../lib/recent-keys';
import { useTRPC } from '../../../../../lib/trpc';

export interface KeyRow {
  id: string;
  name: string;
  start: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rotatedFrom: string | null;
}

/** Keys may also be short-lived, for a trial or a demo. */
const KEY_EXPIRY_OPTIONS: SelectOption[] = [
  { value: '', label: 'Never' },
  { value: String(7 * 86_400), label: 'In 7 days' },
  ...EXPIRY_OPTIONS.filter((option) => option.value !== ''),
];

const GRACE_OPTIONS = [
  { value: '0', label: 'None: the old key stops now' },
  { value: '900', label: '15 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '604800', label: '7 days' },
];

/** A key shown once, right after it was created or rotated. */
interface RevealedKey {
  clear: string;
  name: string;
  title: string;
}

/** The old key of a rotation still inside its grace period, and the key that replaced it. */
function graceOf(key: KeyRow, keys: KeyRow[], now: Date): KeyRow | null {
  if (key.status !== 'active' || !key.expiresAt) return null;
  const successor = keys.find((k) => k.rotatedFrom === key.id);
  if (!successor || toDate(key.expiresAt) <= now) return null;
  return successor;
}

/** The app's keys: create (shown once, with a curl line), rotate with a grace period, revoke. */
export function AppKeys({
  appId,
  appSuspended,
  gatewayUrl,
  keys,
}: {
  appId: string;
  appSuspended: boolean;
  gatewayUrl: string;
  keys: KeyRow[];
}) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<KeyRow | null>(null);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [revealed, setRevealed] = useState<RevealedKey | null>(null);
  const now = new Date();
  const shown = keys.filter((k) => k.status === 'active' || k.status === 'revoked').slice(0, 50);

  const columns: Column<KeyRow>[] = [
    {
      id: 'name',
      header: 'Key',
      cell: (k) => (
        <div>
          <div className="strong">{k.name}</div>
          <code className="pui-hint">{k.start}…</code>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (k) => {
        const successor = graceOf(k, keys, now);
        if (successor && k.expiresAt) {
          return (
            <div data-testid={`grace-${k.id}`}>
              <Badge tone="warn">Rotated · works until {dateTime(k.expiresAt)}</Badge>
              <div className="pui-hint" data-testid="old-key-usage">
                {k.lastUsedAt
                  ? `Old key still in use: last call ${relativeTime(k.lastUsedAt, now)}`
                  : 'Old key not used since the rotation was started'}
              </div>
            </div>
          );
        }
        return (
          <Badge tone={k.status === 'active' ? 'ok' : 'danger'} testId={`key-status-${k.id}`}>
            {k.status}
          </Badge>
        );
      },
    },
    {
      id: 'lastUsed',
      header: 'Last used',
      cell: (k) =>
        k.lastUsedAt ? relativeTime(k.lastUsedAt, now) : <span className="pui-muted">never</span>,
    },
    {
      id: 'expires',
      header: 'Expires',
      cell: (k) => (k.expiresAt ? dateTime(k.expiresAt) : <span className="pui-muted">never</span>),
    },
    { id: 'created', header: 'Created', cell: (k) => relativeTime(k.createdAt, now) },
    {
      id: 'actions',
      header: '',
      align: 'right',
      cell: (k) =>
        k.status === 'active' ? (
          <Menu
            label={`Actions for key ${k.name}`}
            trigger={
              <Button size="sm" variant="ghost" aria-label={`Actions for key ${k.start}`}>
                •••
              </Button>
            }
            items={[
              {
                label: 'Rotate…',
                onSelect: () => setRotating(k),
                disabled: graceOf(k, keys, now) !== null,
              },
              {
                label: 'View usage',
                onSelect: () => router.push(`/usage?app=${appId}&key=${k.id}`),
              },
              { label: 'Revoke…', destructive: true, onSelect: () => setRevoking(k) },
            ]}
          />
        ) : null,
    },
  ];

  return (
    <Card
      title="API keys"
      testId="app-keys"
      actions={
        <Button variant="primary" disabled={appSuspended} onClick={() => setCreating(true)}>
          Create key
        </Button>
      }
    >
      {appSuspended ? (
        <Alert tone="warn">This app is suspended: its keys do not work.</Alert>
      ) : null}
      {revealed ? (
        <RevealedKeyPanel
          revealed={revealed}
          gatewayUrl={gatewayUrl}
          onDone={() => setRevealed(null)}
        />
      ) : null}
      <DataTable
        label="API keys"
        columns={columns}
        rows={shown}
        rowKey={(k) => k.id}
        empty="No keys yet. Create one to call the APIs."
        testId="keys-table"
      />
      <CreateKeyDialog
        appId={appId}
        open={creating}
        onOpenChange={setCreating}
        onCreated={(clear, name) => setRevealed({ clear, name, title: `Your new key "${name}"` })}
      />
      <RotateKeyDialog
        keyRow={rotating}
        onClose={() => setRotating(null)}
        onRotated={(clear, name) =>
          setRevealed({ clear, name, title: `The new key for "${name}"` })
        }
      />
      <RevokeKeyDialog keyRow={revoking} onClose={() => setRevoking(null)} />
    </Card>
  );
}

function RevealedKeyPanel({
  revealed,
  gatewayUrl,
  onDone,
}: {
  revealed: RevealedKey;
  gatewayUrl: string;
  onDone: () => void;
}) {
  const curl = `curl -i -H "x-api-key: ${revealed.clear}" ${gatewayUrl.replace(/\/+$/, '')}/`;
  return (
    <div className="key-once" data-testid="revealed-key">
      <div className="row-between">
        <strong>{revealed.title}</strong>
        <Button size="sm" onClick={onDone}>
          I have stored it
        </Button>
      </div>
      <p className="pui-muted" style={{ margin: 0 }}>
        Copy it now: it is shown only once and cannot be recovered. Send it in the{' '}
        <code>x-api-key</code> header (or as <code>Authorization: Bearer …</code>).
      </p>
      <CodeBlock code={revealed.clear} language="API key" testId="clear-key" />
      <CodeBlock code={curl} language="Try it with curl (add an API's path)" testId="curl-line" />
    </div>
  );
}

function CreateKeyDialog({
  appId,
  open,
  onOpenChange,
  onCreated,
}: {
  appId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (clear: string, name: string) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState('default');
  const [expiry, setExpiry] = useState('');
  const create = useMutation(
    trpc.portal.keys.create.mutationOptions({
      onSuccess: (issued) => {
        onOpenChange(false);
        rememberKey({
          id: issued.key.id,
          label: `${issued.key.name} (${issued.key.start}…)`,
          clear: issued.clear,
        });
        onCreated(issued.clear, issued.key.name);
        router.refresh();
      },
    }),
  );
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create an API key"
      footer={
        <FormDialogFooter
          formId="key-form"
          submitLabel={'Create key'}
          busy={create.isPending}
          onCancel={() => onOpenChange(false)}
        />
      }
    >
      <ProblemForm
        id="key-form"
        error={create.error}
        fields={['name']}
        onSubmit={() =>
          create.mutate({
            appId,
            name,
            ...(expiry ? { expiresInSeconds: Number(expiry) } : {}),
          })
        }
      >
        <TextField
          label="Name"
          required
          value={name}
          hint="Where the key is used, e.g. “ci” or “laptop”."
          error={fieldError(create.error, 'name')}
          onChange={(e) => setName(e.target.value)}
        />
        <ExpiryField options={KEY_EXPIRY_OPTIONS} value={expiry} onValue={setExpiry} />
      </ProblemForm>
    </Dialog>
  );
}

function RotateKeyDialog({
  keyRow,
  onClose,
  onRotated,
}: {
  keyRow: KeyRow | null;
  onClose: () => void;
  onRotated: (clear: string, name: string) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [grace, setGrace] = useState('3600');
  const rotate = useMutation(
    trpc.portal.keys.rotate.mutationOptions({
      onSuccess: (issued) => {
        onClose();
        rememberKey({
          id: issued.key.id,
          label: `${issued.key.name} (${issued.key.start}…, rotated)`,
          clear: issued.clear,
        });
        onRotated(issued.clear, issued.key.name);
        router.refresh();
      },
    }),
  );
  return (
    <Dialog
      open={keyRow !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Rotate ${keyRow?.name ?? 'key'}`}
      description="A new key is issued. During the grace period both keys work, so you can deploy the new one before the old one stops."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            busy={rotate.isPending}
            onClick={() =>
              keyRow && rotate.mutate({ id: keyRow.id, gracePeriodSeconds: Number(grace) })
            }
          >
            Rotate key
          </Button>
        </>
      }
    >
      {rotate.error ? <Alert>{errorMessage(rotate.error)}</Alert> : null}
      <SelectField
        label="Grace period for the old key"
        options={GRACE_OPTIONS}
        value={grace}
        onChange={(e) => setGrace(e.target.value)}
      />
    </Dialog>
  );
}

function RevokeKeyDialog({ keyRow, onClose }: { keyRow: KeyRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const done = useCloseThenRefresh(onClose);
  const revoke = useMutation(trpc.portal.keys.revoke.mutationOptions({ onSuccess: done }));
  return (
    <ConfirmItemDialog
      item={keyRow}
      onClose={onClose}
      title={`Revoke ${keyRow?.name ?? 'key'} (${keyRow?.start ?? ''}…)?`}
      description="Calls with this key are refused within a second, on every gateway. This cannot be undone."
      confirmLabel="Revoke key"
      mutation={revoke}
      onConfirm={(row) => revoke.mutate({ id: row.id })}
    />
  );
}
