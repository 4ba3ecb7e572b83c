import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { PublishedConfig } from '@portico/config';
import { answerClientError } from '../proxy/proxy-server';
import { serveUpgrades } from '../proxy/upgrade-requests';
import {
  buildCertificateIndex,
  type CertificateIndex,
  contextFor,
  EMPTY_CERTIFICATE_INDEX,
} from './certificate-index';
import { withHttp2Compat } from './http2-compat';

export interface TlsProxyServerOptions {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The config currently applied (read per new connection; certificates follow it). */
  currentConfig: () => PublishedConfig | null;
  maxHeaderBytes: number;
  log: { warn(message: string): void };
}

export interface TlsProxyServer {
  server: Http2SecureServer;
  /** The certificates in use now (rebuilt when the applied config changed). */
  certificates(): CertificateIndex;
  /**
   * Stops accepting, asks HTTP/2 sessions to finish their streams (GOAWAY), lets HTTP/1.1
   * connections finish, and destroys whatever is still open after `graceMs`.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * The proxy listener over TLS: HTTP/2 or HTTP/1.1 chosen by ALPN, both served by the same proxy
 * handler as the plain listener. Certificates come from the applied config: each new connection
 * first checks whether the config changed and, if so, swaps in a new certificate index (one
 * reference), so a rotated certificate is served from the next handshake with no restart.
 * Without any certificate, handshakes are refused; there is no self-signed stand-in.
 */
export function buildTlsProxyServer(options: TlsProxyServerOptions): TlsProxyServer {
  let index: CertificateIndex = EMPTY_CERTIFICATE_INDEX;
  const server = createSecureServer(
    {
      allowHTTP1: true,
      // HTTP/2's counterpart of the listener's header ceiling (per-API limits sit below it).
      settings: { maxHeaderListSize: options.maxHeaderBytes },
      // Client certificates are asked for only while some API uses mTLS (see refresh()), and
      // never required by the handshake: each API decides at authentication, so APIs without
      // mTLS keep working for clients without a certificate.
      requestCert: false,
      rejectUnauthorized: false,
      // Clients that send SNI are served by name; see refresh() for clients that do not.
      SNICallback: (servername: string, done: (err: Error | null, ctx?: SecureContext) => void) => {
        const context = contextFor(index, servername);
        if (context === null)
          done(new Error(`no TLS certificate is configured (SNI ${servername})`));
        else done(null, context);
      },
    },
    withHttp2Compat(options.handler),
  );

  // HTTP/1.1 over TLS behaves like the plain listener: bodies stream for as long as they take
  // (no whole-request deadline), and malformed requests get problem+json before the handler.
  // Node applies these to the HTTP/1.1 connections of an allowHTTP1 server; its types omit them.
  Object.assign(server, { requestTimeout: 0, headersTimeout: 30_000 });
  server.on('clientError', (error: Error, socket: Socket) =>
    answerClientError(error as NodeJS.ErrnoException, socket),
  );

  const refresh = () => {
    const current = options.currentConfig();
    if (current === index.source) return;
    const next = buildCertificateIndex(current);
    for (const reason of next.skipped) options.log.warn(`TLS: ${reason}`);
    // Clients sending no SNI get the server's default context: the first certificate, or none
    // (an empty context, so their handshake fails) when no certificate is configured.
    server.setSecureContext(
      next.fallback === null ? {} : { cert: next.fallback.cert, key: next.fallback.key },
    );
    index = next;
    // Read by Node for each new connection: asking for a certificate only when an API can use
    // one spares browsers a certificate prompt on gateways without mTLS.
    Object.assign(server, { requestCert: usesClientCertificates(current) });
  };
  // Prepended so it runs before the TLS socket is created from the server's default context.
  server.prependListener('connection', (_socket: Socket) => refresh());
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // WebSocket upgrades arrive on HTTP/1.1 connections (ALPN http/1.1) exactly as on the plain
  // listener.
  serveUpgrades(server, options.handler);
  // Requests on a stream the client reset, and broken handshakes, must not crash the process.
  server.on('sessionError', () => undefined);
  server.on('tlsClientError', () => undefined);
  return {
    server,
    certificates: () => {
      refresh();
      return index;
    },
    async close(graceMs) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

function usesClientCertificates(published: PublishedConfig | null): boolean {
  if (published === null) return false;
  return published.snapshot.apis.some(
    (api) =>
      api.auth.type === 'mtls' ||
      (api.auth.type === 'anyOf' && api.auth.methods.some((m) => m.type === 'mtls')),
  );
}
