import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { CidrList } from '../policies/cidr-list';
import { unmapIpv4 } from '../policies/cidr-list';

export interface ClientView {
  /** The client's address as far as trusted proxies let us see it. */
  clientIp: string;
  xForwardedFor: string;
  xForwardedProto: string;
  xForwardedHost: string;
  forwarded: string;
  /** The direct peer is a trusted proxy: the view depends on this request's own headers. */
  peerTrusted: boolean;
}

const VIEW_CACHE = Symbol('portico.forwardedView');

interface CachedView {
  trusted: CidrList;
  host: string | undefined;
  view: ClientView;
}

type CachingSocket = Socket & { [VIEW_CACHE]?: CachedView };

/**
 * `forwardedHeaders` for a request, reusing the answer of the previous request on the same
 * keep-alive connection when nothing it depends on changed: the peer and scheme are fixed per
 * connection, and a view from an untrusted peer depends only on Host and the trusted list.
 */
export function forwardedHeadersFor(req: IncomingMessage, trusted: CidrList): ClientView {
  const host = req.headers.host;
  // HTTP/2 requests expose a proxy of the session socket: compute afresh rather than tag it.
  if (req.httpVersionMajor !== 1) {
    const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    return forwardedHeaders(req.headers, req.socket.remoteAddress ?? '', proto, trusted);
  }
  const socket = req.socket as CachingSocket;
  const cached = socket[VIEW_CACHE];
  if (cached !== undefined && cached.trusted === trusted && cached.host === host)
    return cached.view;
  const proto = (socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const view = forwardedHeaders(req.headers, socket.remoteAddress ?? '', proto, trusted);
  if (!view.peerTrusted) socket[VIEW_CACHE] = { trusted, host, view };
  return view;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function forwardedNode(address: string): string {
  return address.includes(':') ? `"[${address}]"` : address;
}

/**
 * Forwarding headers for the upstream. Client-sent X-Forwarded-* and Forwarded are believed
 * only when the direct peer is a trusted proxy; otherwise they are replaced, so a client cannot
 * forge its address for IP rules, rate limits or the upstream's logs.
 */
export function forwardedHeaders(
  headers: IncomingHttpHeaders,
  peerAddress: string,
  proto: 'http' | 'https',
  trusted: CidrList,
): ClientView {
  const peer = unmapIpv4(peerAddress);
  const host = headers.host ?? '';
  const ownForwarded = `for=${forwardedNode(peer)};host=${JSON.stringify(host)};proto=${proto}`;
  if (trusted.size === 0 || !trusted.has(peer)) {
    return {
      clientIp: peer,
      xForwardedFor: peer,
      xForwardedProto: proto,
      xForwardedHost: host,
      forwarded: ownForwarded,
      peerTrusted: false,
    };
  }
  const incomingXff = firstValue(headers['x-forwarded-for']);
  let clientIp = peer;
  if (incomingXff) {
    // Walk from the right: the nearest address not belonging to a trusted proxy is the client.
    const hops = incomingXff
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string; // i is within bounds
      clientIp = hop;
      if (!trusted.has(hop)) break;
    }
  }
  const incomingForwarded = firstValue(headers.forwarded);
  return {
    clientIp,
    xForwardedFor: incomingXff ? `${incomingXff}, ${peer}` : peer,
    xForwardedProto: firstValue(headers['x-forwarded-proto']) ?? proto,
    xForwardedHost: firstValue(headers['x-forwarded-host']) ?? host,
    forwarded: incomingForwarded ? `${incomingForwarded}, ${ownForwarded}` : ownForwarded,
    peerTrusted: true,
  };
}
