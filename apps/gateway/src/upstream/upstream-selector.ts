/**
 * How the proxy picks an upstream instance. Discovery and richer load balancing (issue 4) plug
 * in behind this interface; the proxy only picks, then reports how the attempt went.
 */
export interface UpstreamInstance {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, the key of the connection pool. */
  readonly origin: string;
}

export interface InstanceHealth {
  id: string;
  address: string;
  port: number;
  state: 'healthy' | 'unhealthy' | 'ejected' | 'draining';
  reason: string | null;
}

export interface UpstreamSelector {
  pick(): UpstreamInstance | null;
  reportSuccess(instance: UpstreamInstance): void;
  /** A connect failure, reset or timeout seen on real traffic (passive health). */
  reportFailure(instance: UpstreamInstance): void;
  health(): InstanceHealth[];
}
