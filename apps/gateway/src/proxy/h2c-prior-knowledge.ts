import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { withHttp2Compat } from '../tls/http2-compat';

/** What every HTTP/2 connection opens with (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface H2cOptions {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  maxHeaderBytes: number;
}

/**
 * Lets the plain proxy listener also serve HTTP/2 with prior knowledge (h2c), which gRPC
 * clients speak without TLS. Node's HTTP/1.1 server cannot, so the first bytes of each new
 * connection are read here: the HTTP/2 preface hands the socket to an HTTP/2 server, anything
 * else to the HTTP/1.1 server, the bytes read put back first. The cost is per connection, never
 * per request. The listener's close and force-close reach the HTTP/2 sessions too.
 */
export function acceptH2cPriorKnowledge(server: Server, options: H2cOptions): Http2Server {
  const h2 = createServer(
    { settings: { maxHeaderListSize: options.maxHeaderBytes } },
    withHttp2Compat(options.handler),
  );
  const sessions = new Set<ServerHttp2Session>();
  const sniffing = new Set<Socket>();
  h2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // A client resetting streams or sending a bad frame must not crash the process.
  h2.on('sessionError', () => undefined);

  const [http1] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (http1 === undefined) throw new Error('the HTTP server has no connection listener to wrap');
  server.removeListener('connection', http1);
  server.on('connection', (socket: Socket) => {
    sniffing.add(socket);
    let seen: Buffer | null = null;
    const decide = (isH2: boolean, bytes: Buffer) => {
      socket.removeListener('readable', onReadable);
      socket.removeListener('close', onClose);
      socket.removeListener('timeout', onSilent);
      // The server taking the socket sets its own timeouts.
      socket.setTimeout(0);
      sniffing.delete(socket);
      socket.unshift(bytes);
      if (isH2) h2.emit('connection', socket);
      else http1.call(server, socket);
    };
    const onReadable = () => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      const bytes = seen === null ? chunk : Buffer.concat([seen, chunk]);
      const compared = Math.min(bytes.length, PREFACE.length);
      if (bytes.compare(PREFACE, 0, compared, 0, compared) !== 0) decide(false, bytes);
      else if (bytes.length >= PREFACE.length) decide(true, bytes);
      // A prefix of the preface so far (a client writing in tiny pieces): wait for more.
      else seen = bytes;
    };
    const onClose = () => sniffing.delete(socket);
    // Until the first bytes decide, a silent connection is held as long as HTTP/1.1 waits
    // for headers.
    const onSilent = () => socket.destroy();
    socket.on('readable', onReadable);
    socket.once('close', onClose);
    socket.setTimeout(30_000);
    socket.once('timeout', onSilent);
  });

  // Graceful close: HTTP/2 sessions get GOAWAY and finish their streams; sockets still silent
  // are dropped. Force-close destroys the sessions as it does HTTP/1.1 connections.
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const socket of sniffing) socket.destroy();
    for (const session of sessions) session.close();
  };
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    for (const socket of sniffing) socket.destroy();
    for (const session of sessions) session.destroy();
  };
  return h2;
}
