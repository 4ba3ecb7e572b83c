import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../errors/gateway-errors';
import { acceptH2cPriorKnowledge } from './h2c-prior-knowledge';
import { requestIdFrom } from './request-identity';
import { serveUpgrades } from './upgrade-requests';

export interface ProxyServerOptions {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Node's header-size ceiling for the listener; per-API limits sit below it. */
  maxHeaderBytes: number;
  logLevel: string;
}

/**
 * The proxy listener. Every request goes to the one proxy handler, bodies unread (they stream to
 * the upstream), and nothing else (no admin, no status) is reachable here.
 */
export function buildProxyServer(options: ProxyServerOptions): FastifyInstance {
  // The hot path skips Fastify's router, hooks and request/reply objects: there is one route,
  // so the node server hands every request straight to the proxy handler. Fastify still owns
  // the listener's lifecycle (listen, close with idle connections dropped) and its logger.
  const app = Fastify({
    logger: { level: options.logLevel },
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    clientErrorHandler: (error, socket) =>
      answerClientError(error as NodeJS.ErrnoException, socket),
    serverFactory: () => {
      const server = createServer(
        {
          maxHeaderSize: options.maxHeaderBytes,
          // Streams of any length: no whole-request deadline, a generous header deadline.
          requestTimeout: 0,
          headersTimeout: 30_000,
          keepAliveTimeout: 72_000,
        },
        options.handler,
      );
      serveUpgrades(server, options.handler);
      // gRPC clients without TLS speak HTTP/2 with prior knowledge on the same port.
      acceptH2cPriorKnowledge(server, {
        handler: options.handler,
        maxHeaderBytes: options.maxHeaderBytes,
      });
      return server;
    },
  });
  return app;
}

/**
 * Malformed requests Node's parser rejects before any handler runs: smuggling shapes (both
 * Content-Length and Transfer-Encoding, bad or duplicate lengths, obs-fold, bare LF) and
 * oversize headers. They still get problem+json, and the connection is closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const code = tooLarge ? 'GW_HEADERS_TOO_LARGE' : 'GW_BAD_REQUEST';
  const status = tooLarge ? 431 : 400;
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = problemBody(
    code,
    tooLarge
      ? 'request headers are too large'
      : `malformed HTTP request (${error.code ?? 'parse error'})`,
    requestIdFrom(undefined),
  );
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
