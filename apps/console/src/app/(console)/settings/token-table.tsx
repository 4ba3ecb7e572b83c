'use client';

import { Table } from '../../../components/table';
import {
  Badge,
  ConfirmButton,
  EmptyState,
  formatDate,
  Skeleton,
  timeAgo,
} from '../../../components/ui';

export interface TokenRow {
  id: string;
  name: string;
  start: string;
  /** Expiry for personal tokens, scopes for machine tokens. */
  detail: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** Personal or machine tokens, with Revoke on the live ones for whoever may revoke them. */
export function TokenTable({
  rows,
  loading,
  onRevoke,
  canRevoke,
}: {
  rows: TokenRow[];
  loading: boolean;
  onRevoke: (id: string) => Promise<unknown>;
  canRevoke: boolean;
}) {
  if (loading) return <Skeleton rows={2} />;
  if (rows.length === 0) return <EmptyState title="No tokens yet" />;
  return (
    <Table
      headers={['Name', 'Prefix', 'Details', 'Created', 'Last used', 'Status']}
      items={rows}
      cells={(t) => (
        <>
          <td>{t.name}</td>
          <td className="mono">{t.start}…</td>
          <td>{t.detail}</td>
          <td>{formatDate(t.createdAt)}</td>
          <td>{timeAgo(t.lastUsedAt)}</td>
          <td>
            {t.revokedAt ? <Badge tone="danger">revoked</Badge> : <Badge tone="ok">active</Badge>}
          </td>
        </>
      )}
      actions={(t) =>
        canRevoke && !t.revokedAt ? (
          <ConfirmButton
            label="Revoke"
            title={`Revoke ${t.name}?`}
            message="Anything using this token is refused from now on."
            onConfirm={() => onRevoke(t.id)}
          />
        ) : null
      }
    />
  );
}
