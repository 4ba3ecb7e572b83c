import type { IncomingMessage } from 'node:http';
import type { CompiledApi } from '../config/compiled-config';

/** What the raw header block takes on the wire (name and value lines, with their separators). */
export function headerBytes(raw: readonly string[]): number {
  let total = 0;
  for (let i = 0; i < raw.length; i++) total += (raw[i] as string).length + 2;
  return total;
}

/** The problem detail of a header block over the API's limit. */
export function headersTooLargeDetail(limit: number): string {
  return `request headers exceed this API's limit of ${limit} bytes`;
}

/** The problem detail of a body over the API's limit. */
export function bodyTooLargeDetail(limit: number): string {
  return `request body exceeds this API's limit of ${limit} bytes`;
}

/** True when the request declares a body longer than `limit` (a chunked body is counted as it streams). */
export function declaresBodyOver(req: Pick<IncomingMessage, 'headers'>, limit: number): boolean {
  const contentLength = req.headers['content-length'];
  return contentLength !== undefined && Number(contentLength) > limit;
}

/** The problem detail of a client address the API's IP rules refuse. */
export const ADDRESS_REFUSED_DETAIL = 'requests from your address are not allowed for this API';

/** True when the API's IP rules refuse `clientIp`: listed in deny, or missing from an allow list. */
export function addressRefused(
  entry: Pick<CompiledApi, 'ipAllow' | 'ipDeny'>,
  clientIp: string,
): boolean {
  return (
    (entry.ipDeny?.has(clientIp) ?? false) ||
    (entry.ipAllow !== null && !entry.ipAllow.has(clientIp))
  );
}
