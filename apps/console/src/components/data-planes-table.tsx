'use client';

import type { RouterOutputs } from '../lib/trpc';
import { shortHash } from './draft-diff';
import { Badge, EmptyState, timeAgo } from './ui';

type DataPlanes = RouterOutputs['dataPlanes']['list'];

/** Gateway nodes with the config version each runs; shared by Overview, Data planes and Config. */
export function DataPlanesTable({ data }: { data: DataPlanes }) {
  if (data.nodes.length === 0) {
    return (
      <EmptyState title="No gateway has connected yet">
        Start a gateway with a data-plane token (Settings → Data-plane tokens) and
        PORTICO_CONTROL_URL pointing at this control plane.
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table data-testid="data-planes">
        <thead>
          <tr>
            <th>Node</th>
            <th>Config version</th>
            <th>Status</th>
            <th>Gateway</th>
            <th>Last seen</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {data.nodes.map((node) => (
            <tr key={node.id}>
              <td>
                <div>{node.hostname}</div>
                <div className="muted mono">{node.id}</div>
              </td>
              <td>
                <span data-testid="node-version">v{node.appliedVersion}</span>{' '}
                {node.appliedHash ? (
                  <span className="muted mono">{shortHash(node.appliedHash)}</span>
                ) : null}
              </td>
              <td>
                {node.stale ? (
                  <Badge tone="danger">stale</Badge>
                ) : node.behind ? (
                  <Badge tone="warn">behind v{data.latestVersion}</Badge>
                ) : (
                  <Badge tone="ok">in sync</Badge>
                )}
              </td>
              <td className="mono">{node.gatewayVersion ?? '—'}</td>
              <td title={node.lastSeenAt}>{timeAgo(node.lastSeenAt)}</td>
              <td>{node.lastError ? <span className="diff-del">{node.lastError}</span> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
