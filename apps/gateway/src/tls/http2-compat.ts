import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Headers HTTP/2 forbids (RFC 9113 §8.2.2): they describe an HTTP/1.1 connection. Node throws
 * when a response sets one, so they are dropped before the handler's headers reach the stream.
 */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Lets the proxy handler, written against node:http, serve an HTTP/2 request through the
 * compatibility API:
 * - `:authority` becomes `host` (HTTP/2 clients send the pseudo-header instead), so routing by
 *   host works and the upstream, always reached over HTTP/1.1, receives a Host header;
 * - pseudo-headers (`:method`, `:path`, …) leave `rawHeaders`, which is what is forwarded;
 * - a body without content-length is marked as of unknown length, so it streams upstream;
 * - connection-specific response headers are dropped instead of making Node throw.
 * HTTP/1.1 requests on the same TLS listener (ALPN `http/1.1`) go to the handler unchanged.
 */
export function withHttp2Compat(handler: ProxyHandler) {
  return (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    if (req.httpVersionMajor !== 2) {
      handler(req as IncomingMessage, res as ServerResponse);
      return;
    }
    const h2req = req as Http2ServerRequest;
    const h2res = res as Http2ServerResponse;
    const headers = h2req.headers;
    const authority = headers[':authority'];
    if (headers.host === undefined && typeof authority === 'string') headers.host = authority;
    // HTTP/2 frames bodies itself, so a client may send one with no content-length. The
    // handler streams a body of unknown length when it sees transfer-encoding (hop-by-hop, so
    // never forwarded as such); without this marker such a body would be dropped.
    if (!h2req.stream.endAfterHeaders && headers['content-length'] === undefined)
      headers['transfer-encoding'] = 'chunked';
    const raw: string[] = [];
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith(':') || value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) raw.push(name, v);
      else raw.push(name, String(value));
    }
    // An own property shadows the prototype getter, so every later read sees the cleaned list.
    Object.defineProperty(h2req, 'rawHeaders', { value: raw, configurable: true });

    const writeHead = h2res.writeHead.bind(h2res);
    // HTTP/2 has no reason phrase: a status message argument is dropped with the bad headers.
    const patched = (status: number, first?: unknown, second?: unknown) => {
      const given = typeof first === 'string' ? second : first;
      if (given === null || typeof given !== 'object') return writeHead(status);
      const kept: Record<string, string | number | string[]> = {};
      if (Array.isArray(given)) {
        // A flat [name, value, …] list: repeated names become one multi-valued header.
        for (let i = 0; i + 1 < given.length; i += 2) {
          const name = String(given[i]).toLowerCase();
          if (CONNECTION_SPECIFIC.has(name)) continue;
          const value = String(given[i + 1]);
          const previous = kept[name];
          if (previous === undefined) kept[name] = value;
          else
            kept[name] = Array.isArray(previous) ? [...previous, value] : [String(previous), value];
        }
        return writeHead(status, kept);
      }
      for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
        if (CONNECTION_SPECIFIC.has(name.toLowerCase())) continue;
        if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value))
          kept[name] = value as string | number | string[];
      }
      return writeHead(status, kept);
    };
    Object.defineProperty(h2res, 'writeHead', { value: patched, configurable: true });
    const setHeader = h2res.setHeader.bind(h2res);
    Object.defineProperty(h2res, 'setHeader', {
      value: (name: string, value: number | string | readonly string[]) =>
        CONNECTION_SPECIFIC.has(name.toLowerCase()) ? h2res : setHeader(name, value),
      configurable: true,
    });
    // The handler uses only the members both response kinds share (writeHead, setHeader, end,
    // destroy, headersSent, writableEnded, 'close', piping into it).
    handler(h2req as unknown as IncomingMessage, h2res as unknown as ServerResponse);
  };
}
