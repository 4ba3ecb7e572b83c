'use client';

import { type ReactNode, useState } from 'react';
import { ItemDialog, SecretShown } from '../../../components/dialogs';
import type { Form } from '../../../components/fields';
import { MutationForm } from '../../../components/forms';
import { ErrorAlert } from '../../../components/ui';
import { type TokenRow, TokenTable } from './token-table';

/**
 * One kind of token: what it is for, the create form (for whoever may create), the table, and a
 * new token shown once. `onCreate` sends the form's input and answers with the clear token.
 */
export function TokensPanel<T>({
  title,
  help,
  form,
  onCreate,
  creating,
  canCreate,
  error,
  rows,
  loading,
  onRevoke,
  canRevoke,
  children,
}: {
  title: string;
  help: string;
  form: Form & { submit: () => T | null };
  onCreate: (input: T) => Promise<string>;
  creating: boolean;
  canCreate: boolean;
  error: unknown;
  rows: TokenRow[];
  loading: boolean;
  onRevoke: (id: string) => Promise<unknown>;
  canRevoke: boolean;
  /** The create form's fields. */
  children: ReactNode;
}) {
  const [clear, setClear] = useState<string | null>(null);
  return (
    <section className="panel">
      <h2>{title}</h2>
      <p className="muted">{help}</p>
      {canCreate ? (
        <MutationForm
          form={form}
          className="form-row"
          style={{ alignItems: 'end', marginBottom: 12 }}
          onValid={async (input) => setClear(await onCreate(input))}
        >
          {children}
          <div>
            <button type="submit" className="primary" disabled={creating}>
              Create token
            </button>
          </div>
        </MutationForm>
      ) : null}
      <ErrorAlert error={error} />
      <TokenTable rows={rows} loading={loading} onRevoke={onRevoke} canRevoke={canRevoke} />
      <ItemDialog item={clear} title={() => 'Your new token'} onClose={() => setClear(null)}>
        {(token) => <SecretShown label="token" secret={token} onDone={() => setClear(null)} />}
      </ItemDialog>
    </section>
  );
}
