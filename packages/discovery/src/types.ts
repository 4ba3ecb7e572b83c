/** One reachable instance of a service, whatever registry it came from. */
export interface ServiceInstance {
  /** Stable within the registry (instance id, endpoint address, key, znode name, SRV target). */
  id: string;
  address: string;
  port: number;
  /** Relative weight for load balancing; 1 when the registry has no notion of weight. */
  weight: number;
  metadata: Record<string, string>;
  zone: string | null;
}

/** What to look up in a registry; fields a registry has no notion of are ignored. */
export interface ServiceRef {
  service: string;
  namespace?: string;
  tags?: string[];
  datacenter?: string;
  portName?: string;
}

export type DiscoveryStatus = 'ok' | 'degraded';

export interface InstanceUpdate {
  instances: ServiceInstance[];
  /** `degraded` while the registry is unreachable, failing or answered suspiciously empty. */
  status: DiscoveryStatus;
  error: string | null;
  /** Epoch ms of the last successful answer, null before the first one. */
  lastSyncAt: number | null;
}

export interface DiscoveryAdapter {
  /**
   * Follows a service through the registry's own change mechanism and calls `onUpdate` with
   * every new instance set or status. Returns a function that stops this watch.
   */
  watch(ref: ServiceRef, onUpdate: (update: InstanceUpdate) => void): () => void;
  /** One-shot read (console "test connection", live instance view). Throws when the registry fails. */
  list(ref: ServiceRef): Promise<ServiceInstance[]>;
  /** Service names the registry knows. Throws when the registry fails. */
  listServices(): Promise<string[]>;
  /** Stops every watch and releases timers and sockets. */
  close(): Promise<void>;
}

/** Pino-compatible subset. */
export interface DiscoveryLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface DiscoveryDeps {
  fetch?: typeof fetch;
  logger?: DiscoveryLogger;
  /** For jitter; tests may pin it. */
  random?: () => number;
  /**
   * The control plane this process belongs to. A `builtin` registry with no address is that
   * control plane's own registry, read with `token` (a gateway's data-plane token); the token is
   * also used for a `builtin` registry whose address is this control plane and that has no
   * credentials of its own. It is never sent anywhere else.
   */
  builtin?: { controlUrl: string; token: string };
}
