import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { canonicalSubject } from '@portico/config';

/** What the gateway knows of the certificate a TLS client presented, read once per connection. */
export interface PeerCertificate {
  readonly leaf: X509Certificate;
  /** Further certificates the client sent (intermediates), nearest first. */
  readonly chain: readonly X509Certificate[];
  /** SHA-256 of the DER certificate, lower-case hex without colons. */
  readonly fingerprint: string;
  /** The subject in certificate order, `C=US,O=Acme,CN=client-1` (see canonicalSubject). */
  readonly subject: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** The Client-Cert header value (RFC 9440): the DER certificate as a byte sequence. */
  readonly clientCertField: string;
  /** Trust verdicts by CA set, so a connection's certificate is verified once per API. */
  readonly trust: WeakMap<object, string | null>;
}

/** How the request reached the gateway: over plain HTTP, over TLS without a certificate, or with one. */
export type PeerCertificateResult =
  | { kind: 'plain' }
  | { kind: 'none' }
  | { kind: 'certificate'; peer: PeerCertificate };

const PLAIN: PeerCertificateResult = { kind: 'plain' };
const NONE: PeerCertificateResult = { kind: 'none' };

/** Per TLS connection (the HTTP/1.1 socket, or the HTTP/2 session). */
const byConnection = new WeakMap<object, PeerCertificateResult>();

function connectionOf(req: IncomingMessage): { key: object; socket: TLSSocket } | null {
  if (req.httpVersionMajor === 2) {
    const session = (req as unknown as Http2ServerRequest).stream.session;
    if (session === undefined) return null;
    const socket = session.socket as TLSSocket;
    return socket.encrypted === true ? { key: session, socket } : null;
  }
  const socket = req.socket as TLSSocket;
  return socket.encrypted === true ? { key: socket, socket } : null;
}

function read(socket: TLSSocket): PeerCertificateResult {
  const leaf = socket.getPeerX509Certificate();
  if (leaf === undefined) return NONE;
  const chain: X509Certificate[] = [];
  const detailed = socket.getPeerCertificate(true);
  // The detailed form links each certificate to its issuer; a self-issued one links to itself.
  let next = detailed.issuerCertificate;
  let previous = detailed;
  while (next !== undefined && next !== previous && chain.length < 8) {
    chain.push(new X509Certificate(next.raw));
    previous = next;
    next = next.issuerCertificate;
  }
  return {
    kind: 'certificate',
    peer: {
      leaf,
      chain,
      fingerprint: leaf.fingerprint256.replaceAll(':', '').toLowerCase(),
      subject: canonicalSubject(leaf.subject),
      notBeforeMs: Date.parse(leaf.validFrom),
      notAfterMs: Date.parse(leaf.validTo),
      clientCertField: `:${leaf.raw.toString('base64')}:`,
      trust: new WeakMap(),
    },
  };
}

/** The client certificate of the request's connection, read once per connection. */
export function peerCertificateOf(req: IncomingMessage): PeerCertificateResult {
  const connection = connectionOf(req);
  if (connection === null) return PLAIN;
  const known = byConnection.get(connection.key);
  if (known !== undefined) return known;
  const result = read(connection.socket);
  byConnection.set(connection.key, result);
  return result;
}
