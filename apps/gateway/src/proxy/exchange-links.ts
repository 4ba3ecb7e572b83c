import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from './exchange';

/** Set on requests that arrived through the server's 'upgrade' event: the bytes read past the headers. */
export const UPGRADE_HEAD = Symbol('portico.upgradeHead');
type UpgradeRequest = IncomingMessage & { [UPGRADE_HEAD]?: Buffer };

/** The bytes read past the headers of a WebSocket upgrade; undefined for any other request. */
export function upgradeHeadOf(req: IncomingMessage): Buffer | undefined {
  return (req as UpgradeRequest)[UPGRADE_HEAD];
}

/** Links a response to its exchange, so shared listeners ('close', 'drain') serve every request. */
export const EXCHANGE = Symbol('portico.exchange');
export type ExchangeResponse = ServerResponse & { [EXCHANGE]?: Exchange };
