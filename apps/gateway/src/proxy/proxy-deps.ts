import type { AnalyticsRecorder } from '@portico/analytics';
import type { RuntimeState } from '../config/runtime-state';
import type { Limiter } from '../limits/index';
import type { ResponseCacheStores } from '../policies/response-cache-store';
import type { GatewayMetrics } from '../status/gateway-metrics';

/** What the proxy (REST and MCP alike) is built from. */
export interface ProxyDeps {
  runtime: RuntimeState;
  limiter: Limiter | null;
  analytics: AnalyticsRecorder;
  metrics: GatewayMetrics;
  cache: ResponseCacheStores | null;
  log: { error(message: string, error?: unknown): void };
}
