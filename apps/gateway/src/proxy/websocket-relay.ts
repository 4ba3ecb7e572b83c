import type { UpstreamInstance } from '../upstream/upstream-selector';
import type { AdmittedExchange } from './exchange';
import { upstreamErrorCode } from './upstream-policy';

/**
 * WebSocket: the same routing, policies, auth and limits as any request, then an upgrade to
 * the upstream; on its 101 the two sockets are joined and bytes flow both ways untouched.
 */
export function forwardUpgrade(
  ex: AdmittedExchange,
  instance: UpstreamInstance,
  head: Buffer,
): void {
  const service = ex.entry.service;
  const req = ex.req;
  const res = ex.res;
  const clientSocket = req.socket;
  ex.upstreamStartedAt = performance.now();
  service
    .poolFor(instance)
    .upgrade({
      path: ex.upstreamPath,
      method: 'GET',
      headers: ex.upstreamHeaders,
      protocol: req.headers.upgrade ?? 'websocket',
    })
    .then(
      ({ headers: upstreamHeaders, socket: upstreamSocket }) => {
        ex.upstreamMs = performance.now() - ex.upstreamStartedAt;
        service.selector.reportSuccess(instance);
        if (clientSocket.destroyed) {
          upstreamSocket.destroy();
          return;
        }
        let head101 = 'HTTP/1.1 101 Switching Protocols\r\n';
        for (const name in upstreamHeaders) {
          const value = upstreamHeaders[name];
          for (const v of Array.isArray(value) ? value : [value])
            if (v !== undefined) head101 += `${name}: ${v}\r\n`;
        }
        head101 += `x-request-id: ${ex.requestId}\r\n\r\n`;
        // The 101 is written by hand: mark the exchange answered for metrics and analytics.
        res.statusCode = 101;
        (res as { _header?: string })._header = head101;
        res.detachSocket(clientSocket);
        clientSocket.write(head101);
        if (head.length > 0) upstreamSocket.write(head);
        clientSocket.on('data', (chunk: Buffer) => {
          ex.bytesIn += chunk.length;
        });
        upstreamSocket.on('data', (chunk: Buffer) => {
          ex.bytesOut += chunk.length;
        });
        const closeBoth = () => {
          clientSocket.destroy();
          upstreamSocket.destroy();
          res.emit('close');
        };
        clientSocket.once('close', closeBoth);
        upstreamSocket.once('close', closeBoth);
        clientSocket.on('error', closeBoth);
        upstreamSocket.on('error', closeBoth);
        clientSocket.pipe(upstreamSocket);
        upstreamSocket.pipe(clientSocket);
      },
      (error: unknown) => {
        service.selector.reportFailure(instance);
        const code = upstreamErrorCode(error);
        ex.fail(code, `service ${service.service.name} did not accept the WebSocket upgrade`);
      },
    );
}
