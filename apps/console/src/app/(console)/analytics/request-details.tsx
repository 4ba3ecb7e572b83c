'use client';

import type { RouterOutputs } from '../../../lib/trpc';
import { ms } from './format-ms';

/** One row of the request log as the control plane returns it. */
type ExploredRequest = RouterOutputs['usage']['requests']['items'][number];

/** Everything the request log holds about one request. */
export function RequestDetails({
  request: r,
  apiName,
  consumerName,
  onClose,
}: {
  request: ExploredRequest;
  apiName: string | null;
  consumerName: string | null;
  onClose: () => void;
}) {
  const rows: [string, string][] = [
    ['Request id', r.requestId],
    ['Time', r.time],
    ['Method and status', `${r.method} ${r.status}`],
    ['API', r.apiId ? `${apiName ?? '(deleted)'} · ${r.apiId}` : '—'],
    ['Route', r.routeId ?? '—'],
    ['Consumer', r.consumerId ? `${consumerName ?? '(deleted)'} · ${r.consumerId}` : 'anonymous'],
    ['Key', r.keyId ?? '—'],
    ['Service', r.serviceId ?? '—'],
    ['Upstream instance', r.instance ?? '—'],
    ['Gateway node', r.nodeId],
    ['Total time', ms(r.totalMs)],
    ['Upstream time', r.upstreamMs === null ? '—' : ms(r.upstreamMs)],
    ['Bytes in / out', `${r.bytesIn} / ${r.bytesOut}`],
    ['Client', r.clientIp ?? '—'],
    ['Error code', r.errorCode ?? '—'],
  ];
  return (
    <div className="form">
      <table data-testid="request-details">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row" style={{ textAlign: 'left', width: 180 }}>
                {label}
              </th>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
