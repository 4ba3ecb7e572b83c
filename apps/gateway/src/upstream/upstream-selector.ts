import type { IncomingHttpHeaders } from 'node:http';

/**
 * How the proxy picks an upstream instance. The proxy asks the service to admit a request
 * (circuit breaker), picks, then reports exactly once per pick how the attempt went (or
 * releases it when the attempt ended without a verdict), so in-flight counts stay exact.
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

/**
 * What consistent hashing keys on. The proxy passes its per-request exchange record, which
 * already carries these fields, so picking allocates nothing.
 */
export interface PickContext {
  readonly consumerId: string | null;
  readonly clientIp: string | null;
}

/** An instance as a registry (or the static target list) announces it. */
export interface AnnouncedInstance {
  id: string;
  address: string;
  port: number;
  weight: number;
}

/** Where the instance set comes from and how that source is doing, for /status. */
export interface DiscoveryView {
  registryId: string;
  service: string;
  status: 'pending' | 'ok' | 'degraded';
  error: string | null;
  lastSyncAt: number | null;
}

export interface UpstreamSelector {
  /**
   * Counts the request towards the retry budget and asks the circuit breaker; false means
   * the breaker is open and the request must be answered without contacting the service.
   */
  admit(): boolean;
  /**
   * An instance for one attempt, or null when none may be used. `exclude` (the instance a
   * retry is moving away from) is never returned.
   */
  pick(
    ctx: PickContext | null,
    headers: IncomingHttpHeaders | null,
    exclude?: UpstreamInstance | null,
  ): UpstreamInstance | null;
  reportSuccess(instance: UpstreamInstance): void;
  /** A connect failure, reset, timeout or 5xx seen on real traffic (passive health). */
  reportFailure(instance: UpstreamInstance): void;
  /** The attempt ended without a verdict (client went away, body refused): frees its slot. */
  release(instance: UpstreamInstance): void;
  /** An admitted request found no instance: frees its half-open breaker probe, if it had one. */
  abandon(): void;
  /** Spends one retry from the budget; false when the budget is empty or the breaker not closed. */
  tryRetry(): boolean;
  health(): InstanceHealth[];
  /** `closed`, `open`, `half-open`, or `disabled` when the service has no breaker. */
  breakerState(): string;
  /** Replaces the instance set (discovery); instances that stay keep their state. */
  setInstances(instances: readonly AnnouncedInstance[]): void;
  setDiscoveryView(view: DiscoveryView | null): void;
  discoveryView(): DiscoveryView | null;
  /** Starts background work (active health checks) once the config is going live. */
  start(): void;
  /** Stops background work; called when a config swap drops this selector. */
  close(): void;
}
