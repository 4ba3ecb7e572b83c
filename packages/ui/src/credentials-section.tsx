import { useState } from 'react';
import { Button } from './button';
import { CodeBlock } from './copy';
import { CREDENTIAL_KIND_FORMS, type CredentialKindForm } from './credential-kinds';
import { type Column, DataTable } from './data-table';
import { ConfirmDialog, Dialog } from './dialog';
import { ExpiryField, SelectField, TextAreaField, TextField } from './fields';
import { Alert, Badge, Card } from './layout';

/** A credential as listed: never secret material. Dates as ISO strings. */
export interface CredentialRow {
  id: string;
  kind: string;
  name: string;
  identifier: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** What the section asks its app to create (the app adds the consumer or app id and calls tRPC). */
export interface CredentialCreation {
  name: string;
  expiresInSeconds?: number;
  spec: { kind: string } & Record<string, string>;
}

export interface CredentialsSectionProps {
  rows: readonly CredentialRow[];
  /**
   * Creates; resolves to the credential's identifier and generated secret material to show once
   * (null: nothing to show).
   */
  onCreate: (
    creation: CredentialCreation,
  ) => Promise<{ identifier: string; secret: string | null }>;
  onRevoke: (id: string) => Promise<unknown>;
  /** No create or revoke (a read-only role); the reason is shown. */
  readOnlyReason?: string | null;
  /** No create, revoke still allowed (a suspended app: taking access away always is); shown. */
  createBlockedReason?: string | null;
  kinds?: readonly CredentialKindForm[];
  /** How a failed call reads to a person (the app knows its error shape). */
  describeError?: (error: unknown) => string;
  testId?: string;
}

const defaultDescribe = (error: unknown) =>
  error instanceof Error ? error.message : 'the request failed';

/** A shown-once secret with how to use it. */
interface Revealed {
  form: CredentialKindForm;
  identifier: string;
  secret: string;
}

/**
 * A consumer's credentials other than API keys, by kind, with create and revoke dialogs. Generic
 * over kinds: each kind's fields come from its `CredentialKindForm`.
 */
export function CredentialsSection({
  rows,
  onCreate,
  onRevoke,
  readOnlyReason = null,
  createBlockedReason = null,
  kinds = CREDENTIAL_KIND_FORMS,
  describeError = defaultDescribe,
  testId = 'credentials',
}: CredentialsSectionProps) {
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<CredentialRow | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const formOf = (kind: string) => kinds.find((k) => k.kind === kind);
  const columns: Column<CredentialRow>[] = [
    { id: 'kind', header: 'Kind', cell: (c) => formOf(c.kind)?.label ?? c.kind },
    {
      id: 'name',
      header: 'Name',
      cell: (c) => (
        <div>
          <div className="strong">{c.name}</div>
          <code className="pui-hint">
            {formOf(c.kind)?.identifierLabel ?? 'Identifier'}: {c.identifier}
          </code>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => (
        <Badge
          tone={c.status === 'active' ? 'ok' : c.status === 'revoked' ? 'danger' : 'warn'}
          testId={`credential-status-${c.id}`}
        >
          {c.status}
        </Badge>
      ),
    },
    { id: 'expires', header: 'Expires', cell: (c) => c.expiresAt?.slice(0, 10) ?? 'never' },
    { id: 'lastUsed', header: 'Last used', cell: (c) => c.lastUsedAt?.slice(0, 16) ?? 'never' },
    {
      id: 'actions',
      header: '',
      align: 'right',
      cell: (c) =>
        c.status === 'active' && readOnlyReason === null ? (
          <Button size="sm" variant="ghost" onClick={() => setRevoking(c)}>
            Revoke…
          </Button>
        ) : null,
    },
  ];
  return (
    <Card
      title="Credentials"
      testId={testId}
      actions={
        <Button
          variant="primary"
          disabled={readOnlyReason !== null || createBlockedReason !== null}
          onClick={() => setCreating(true)}
        >
          Add credential
        </Button>
      }
    >
      {(readOnlyReason ?? createBlockedReason) ? (
        <Alert tone="warn">{readOnlyReason ?? createBlockedReason}</Alert>
      ) : null}
      {revealed ? <RevealedPanel revealed={revealed} onDone={() => setRevealed(null)} /> : null}
      <DataTable
        label="Credentials"
        columns={columns}
        rows={[...rows]}
        rowKey={(c) => c.id}
        empty="No credentials other than API keys."
        testId={`${testId}-table`}
      />
      <CreateCredentialDialog
        open={creating}
        kinds={kinds}
        onOpenChange={setCreating}
        describeError={describeError}
        onCreate={async (form, creation) => {
          const { identifier, secret } = await onCreate(creation);
          if (secret !== null) setRevealed({ form, identifier, secret });
        }}
      />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRevoking(null);
            setRevokeError(null);
          }
        }}
        title={`Revoke ${revoking?.name ?? ''}?`}
        description="Calls with this credential are refused as soon as gateways receive the change (about a second)."
        confirmLabel="Revoke"
        destructive
        busy={busy}
        onConfirm={async () => {
          if (revoking === null) return;
          setBusy(true);
          try {
            await onRevoke(revoking.id);
            setRevoking(null);
            setRevokeError(null);
          } catch (error) {
            setRevokeError(describeError(error));
          } finally {
            setBusy(false);
          }
        }}
      >
        {revokeError ? <Alert>{revokeError}</Alert> : null}
      </ConfirmDialog>
    </Card>
  );
}

function RevealedPanel({ revealed, onDone }: { revealed: Revealed; onDone: () => void }) {
  const usage = revealed.form.usage
    ?.replace('{identifier}', revealed.identifier)
    .replace('{secret}', revealed.secret);
  return (
    <div className="key-once" data-testid="revealed-credential">
      <div className="row-between">
        <strong>Your new {revealed.form.secretLabel}</strong>
        <Button size="sm" onClick={onDone}>
          I have stored it
        </Button>
      </div>
      <p className="pui-muted" style={{ margin: 0 }}>
        Copy it now: it is shown only once and cannot be recovered.
      </p>
      <CodeBlock
        code={revealed.secret}
        language={revealed.form.secretLabel}
        testId="clear-secret"
      />
      {usage ? <CodeBlock code={usage} language="Use it" /> : null}
    </div>
  );
}

function CreateCredentialDialog({
  open,
  kinds,
  onOpenChange,
  onCreate,
  describeError,
}: {
  open: boolean;
  kinds: readonly CredentialKindForm[];
  onOpenChange: (open: boolean) => void;
  onCreate: (form: CredentialKindForm, creation: CredentialCreation) => Promise<void>;
  describeError: (error: unknown) => string;
}) {
  const [kind, setKind] = useState(kinds[0]?.kind ?? '');
  const [name, setName] = useState('default');
  const [expiry, setExpiry] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = kinds.find((k) => k.kind === kind);
  const close = () => {
    setValues({});
    setError(null);
    onOpenChange(false);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? onOpenChange(true) : close())}
      title="Add a credential"
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" form="credential-form" variant="primary" busy={busy}>
            Add credential
          </Button>
        </>
      }
    >
      {error ? <Alert>{error}</Alert> : null}
      <form
        id="credential-form"
        className="stack"
        onSubmit={async (event) => {
          event.preventDefault();
          if (form === undefined) return;
          const spec: CredentialCreation['spec'] = { kind: form.kind };
          for (const field of form.fields) {
            const value = values[field.name] ?? '';
            if (value !== '' || !field.optional) spec[field.name] = value;
          }
          setBusy(true);
          try {
            await onCreate(form, {
              name,
              ...(expiry ? { expiresInSeconds: Number(expiry) } : {}),
              spec,
            });
            close();
          } catch (failure) {
            setError(describeError(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        <SelectField
          label="Kind"
          options={kinds.map((k) => ({ value: k.kind, label: k.label }))}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value);
            setValues({});
          }}
        />
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
        {form?.fields.map((field) => {
          const common = {
            label: field.optional ? `${field.label} (optional)` : field.label,
            value: values[field.name] ?? '',
            required: !field.optional,
            placeholder: field.placeholder,
            hint: field.hint,
          };
          const set = (value: string) => setValues((v) => ({ ...v, [field.name]: value }));
          return field.control === 'textarea' ? (
            <TextAreaField key={field.name} {...common} onChange={(e) => set(e.target.value)} />
          ) : (
            <TextField
              key={field.name}
              {...common}
              type={field.control === 'password' ? 'password' : 'text'}
              autoComplete="off"
              onChange={(e) => set(e.target.value)}
            />
          );
        })}
        <ExpiryField value={expiry} onValue={setExpiry} />
      </form>
    </Dialog>
  );
}
