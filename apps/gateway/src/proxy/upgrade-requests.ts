import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { UPGRADE_HEAD } from './exchange-links';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface UpgradeEmitter {
  on(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Socket, head: Buffer) => void,
  ): unknown;
}

/**
 * Hands a listener's upgrade requests (WebSocket) to the same handler as its other requests,
 * with a response bound to the raw socket, so auth and problem+json errors apply alike; on
 * success the handler joins the sockets. The plain and the TLS listener both serve upgrades so.
 */
export function serveUpgrades(server: UpgradeEmitter, handler: RequestHandler): void {
  server.on('upgrade', (req, socket, head) => {
    (req as IncomingMessage & { [UPGRADE_HEAD]?: Buffer })[UPGRADE_HEAD] = head;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    socket.on('error', () => socket.destroy());
    res.once('finish', () => socket.destroySoon());
    handler(req, res);
  });
}
