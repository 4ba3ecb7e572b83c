import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpExchange, mcpEntryFor } from '../mcp/mcp-exchange';
import { admit } from './admission';
import { Exchange } from './exchange';
import type { ProxyDeps } from './proxy-deps';
import { routeRequest } from './route-stage';

export { UPGRADE_HEAD } from './exchange-links';
export type { ProxyDeps } from './proxy-deps';
export { sendProblem } from './send-problem';

/**
 * The proxy hot path as named stages over one `Exchange` per request:
 *
 *   route-stage      normalise the path, route it, check the API's size limits
 *   admission        IP rules, CORS preflight, authentication, the limit check
 *   forward          validation, then a composite route, a gRPC service, the cache or upstream
 *   cache-stage      serve a hit, capture a miss
 *   upstream-request balancing, circuit breaker, body, total timeout, retries
 *   response-stream  status and headers, body chunks with backpressure, the end
 *   websocket-relay  an upgrade joined to the upstream's socket
 *   exchange-problems / exchange-finish  refusals; metrics and the analytics event
 *
 * The exchange is also the undici dispatch handler and the limiter's waiter, so the path
 * allocates no closures, promises or streams of its own for a request without a body.
 */
export function createProxyHandler(
  deps: ProxyDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    // MCP endpoints are looked up only when the running version has any: one Set lookup.
    const current = deps.runtime.current;
    if (current.config !== null && current.config.mcpPaths.size > 0) {
      const mcpEntry = mcpEntryFor(current.config, req);
      if (mcpEntry !== null) {
        new McpExchange(deps, req, res, mcpEntry, current.config, current.credentials).start();
        return;
      }
    }
    startExchange(new Exchange(deps, req, res));
  };
}

function startExchange(ex: Exchange): void {
  const config = ex.config;
  if (config === null) {
    ex.fail('GW_NOT_READY', 'the gateway has not loaded a configuration yet; retry shortly', {
      'retry-after': '5',
    });
    return;
  }
  if (!routeRequest(ex, config)) return;
  admit(ex, config);
}
