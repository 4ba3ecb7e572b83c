import type { IncomingHttpHeaders } from 'node:http';
import { type IncomingHttpHeaders as Http2Headers, connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** What a TLS listener answered one request. */
export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The protocol ALPN settled on (false: none was negotiated). */
  alpn: string | false | null;
}

/**
 * One HTTP/1.1 request over TLS to a listener on loopback, naming `servername` in SNI (test
 * host names do not resolve), trusting `ca` only, and presenting `clientCertificate` if given.
 */
export function httpsRequestOnLoopback(
  port: number,
  options: {
    path: string;
    servername: string;
    ca: string;
    clientCertificate?: { certPem: string; keyPem: string };
    method?: string;
    headers?: Record<string, string>;
    alpnProtocols?: string[];
  },
): Promise<HttpsAnswer> {
  const { clientCertificate } = options;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: options.path,
        method: options.method ?? 'GET',
        servername: options.servername,
        ca: options.ca,
        agent: false,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.alpnProtocols === undefined ? {} : { ALPNProtocols: options.alpnProtocols }),
        ...(clientCertificate === undefined
          ? {}
          : { cert: clientCertificate.certPem, key: clientCertificate.keyPem }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            alpn: (res.socket as TLSSocket).alpnProtocol,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/** What a TLS listener answered one request over HTTP/2. */
export interface Http2Answer {
  status: number;
  headers: Http2Headers;
  body: string;
  alpn: string;
}

/**
 * One request over HTTP/2 (ALPN h2) to a listener on loopback, on a session of its own, naming
 * `servername` in SNI and `:authority` (with the port, unless `authority` says otherwise),
 * trusting `ca` only, and presenting `clientCertificate` if given.
 */
export function http2RequestOnLoopback(
  port: number,
  options: {
    path: string;
    servername: string;
    ca: string;
    authority?: string;
    clientCertificate?: { certPem: string; keyPem: string };
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<Http2Answer> {
  const { clientCertificate } = options;
  return new Promise((resolve, reject) => {
    const session = http2Connect(`https://127.0.0.1:${port}`, {
      servername: options.servername,
      ca: options.ca,
      ...(clientCertificate === undefined
        ? {}
        : { cert: clientCertificate.certPem, key: clientCertificate.keyPem }),
    });
    session.once('error', reject);
    const stream = session.request({
      ':path': options.path,
      ':method': options.method ?? 'GET',
      ':authority': options.authority ?? `${options.servername}:${port}`,
      ...options.headers,
    });
    let headers: Http2Headers = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('error', reject);
    stream.on('end', () => {
      const alpn = session.alpnProtocol ?? '';
      session.close();
      resolve({
        status: Number(headers[':status']),
        headers,
        body: Buffer.concat(chunks).toString(),
        alpn,
      });
    });
    stream.end(options.body);
  });
}
