import {
  DATA_PLANE_NODE_HEADER,
  DP_CONFIG_PATH,
  dpNodeStatusPath,
  type NodeStatusReport,
  type SyncQuery,
  ZSyncResponse,
} from '@portico/config';
import { Agent, request } from 'undici';
import type { RuntimeState } from './runtime-state';
import type { SnapshotStore } from './snapshot-store';

export interface SyncLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SyncClientOptions {
  controlUrl: string;
  token: string;
  nodeId: string;
  hostname: string;
  gatewayVersion: string;
  waitSeconds: number;
  runtime: RuntimeState;
  store: SnapshotStore;
  log: SyncLog;
  /** Per-service instance health for the status report. */
  serviceHealth: () => NodeStatusReport['services'];
  /**
   * Instance health changes without any config change (an instance dies, a registry adds
   * one), so the status report also goes out on this interval. Default 10 s.
   */
  statusIntervalMs?: number;
  /** Back-off bounds; tests shorten them. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const ZCredentialsPart = ZSyncResponse.shape.credentials;

/**
 * Long-polls the control plane for config versions and credential changes, applies them
 * through RuntimeState (validate, compile, swap), saves the result as last-known-good and
 * reports what it runs (or what it refused) back. Network trouble means jittered back-off and
 * nothing else: traffic keeps flowing on what is already loaded.
 */
export class ConfigSyncClient {
  private readonly agent = new Agent({ keepAliveTimeout: 60_000, connections: 2 });
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private lastSyncAt: number | null = null;
  private lastError: string | null = null;
  /** Resolves waiters of `waitForConfig`. */
  private listeners = new Set<() => void>();

  constructor(private readonly options: SyncClientOptions) {}

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run();
    this.statusTimer = setInterval(() => {
      this.report().catch(() => undefined);
    }, this.options.statusIntervalMs ?? 10_000);
    this.statusTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
    this.loop = null;
    await this.agent.close().catch(() => undefined);
  }

  status(): { lastSyncAt: string | null; lastError: string | null; consecutiveFailures: number } {
    return {
      lastSyncAt: this.lastSyncAt === null ? null : new Date(this.lastSyncAt).toISOString(),
      lastError: this.lastError,
      consecutiveFailures: this.failures,
    };
  }

  private async run(): Promise<void> {
    await this.report().catch(() => undefined);
    while (!this.abort.signal.aborted) {
      let ok = false;
      try {
        ok = await this.pollOnce();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.lastError = `sync failed: ${(error as Error).message}`;
        if (this.failures === 0)
          this.options.log.warn(`${this.lastError}; serving the loaded config and retrying`);
      }
      if (ok) {
        this.failures = 0;
        continue;
      }
      this.failures++;
      await this.sleep(this.backoffMs());
    }
  }

  /** Full-jitter exponential back-off: spreads a fleet of gateways reconnecting after an outage. */
  private backoffMs(): number {
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.failures, 16));
    return min + Math.random() * (ceiling - min);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One long-poll. True when the exchange succeeded (including "nothing new" and a refused version that was reported). */
  private async pollOnce(): Promise<boolean> {
    const { runtime, waitSeconds } = this.options;
    const current = runtime.current;
    // Every query parameter is one of ZSyncQuery's, which the control plane parses.
    const query: Record<keyof SyncQuery, string | undefined> = {
      version: String(current.config?.version ?? 0),
      seq: String(current.credentials.seq),
      waitSeconds: String(waitSeconds),
      hash: current.config?.hash,
    };
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) params.set(name, value);
    const response = await request(`${this.options.controlUrl}${DP_CONFIG_PATH}?${params}`, {
      dispatcher: this.agent,
      signal: this.abort.signal,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        [DATA_PLANE_NODE_HEADER]: this.options.nodeId,
      },
      headersTimeout: (waitSeconds + 15) * 1000,
      bodyTimeout: 60_000,
    });
    if (response.statusCode === 204) {
      await response.body.dump();
      this.markSynced();
      return true;
    }
    if (response.statusCode !== 200) {
      const text = (await response.body.text()).slice(0, 300);
      throw new Error(`control plane answered ${response.statusCode}: ${text}`);
    }
    const body = (await response.body.json()) as { config?: unknown; credentials?: unknown };
    return this.applyResponse(body);
  }

  /** Applies one sync response; exposed for tests that feed responses directly. */
  async applyResponse(body: { config?: unknown; credentials?: unknown }): Promise<boolean> {
    const { runtime, log } = this.options;
    let refusal: string | null = null;
    let changed = false;

    // Credentials first and independently: a refused config must never delay a revocation.
    const credentials = ZCredentialsPart.safeParse(body?.credentials);
    if (!credentials.success) {
      refusal = `sync response refused: credentials failed validation: ${credentials.error.issues[0]?.message ?? 'invalid'}`;
    } else if (credentials.data.mode === 'full') {
      runtime.replaceCredentials(credentials.data.set, credentials.data.seq);
      changed = true;
    } else {
      changed =
        runtime.applyCredentialChanges(credentials.data.changes, credentials.data.seq) || changed;
    }

    if (body?.config !== null && body?.config !== undefined) {
      const result = runtime.applyPublished(body.config);
      if (!result.ok) refusal = result.reason;
      else if (result.changed) {
        changed = true;
        const config = runtime.current.config;
        log.info(`applied config version ${config?.version} (${config?.hash.slice(0, 12)})`);
      }
    }

    if (refusal) {
      this.lastError = refusal;
      log.warn(refusal);
    } else {
      this.markSynced();
    }
    if (changed) {
      this.saveState();
      for (const listener of this.listeners) listener();
    }
    if (changed || refusal)
      await this.report(refusal).catch((error: Error) =>
        log.warn(`status report failed: ${error.message}`),
      );
    // A refused version would be offered again at once: back off instead of spinning.
    return refusal === null;
  }

  private markSynced(): void {
    this.lastSyncAt = Date.now();
    this.lastError = null;
  }

  private saveState(): void {
    const { runtime, store, log } = this.options;
    const published = runtime.rawPublishedConfig();
    if (published === null) return;
    const credentials = runtime.current.credentials;
    store
      .save({ published, credentials: { seq: credentials.seq, set: credentials.toSet() } })
      .catch((error: Error) =>
        log.warn(`could not save last-known-good snapshot: ${error.message}`),
      );
  }

  /** Resolves once any config is loaded (or at once when one already is). */
  waitForConfig(): Promise<void> {
    if (this.options.runtime.current.config) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = () => {
        if (!this.options.runtime.current.config) return;
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  private async report(refusal: string | null = this.options.runtime.lastRefusal): Promise<void> {
    const { runtime } = this.options;
    const current = runtime.current;
    const report: NodeStatusReport = {
      hostname: this.options.hostname,
      appliedVersion: current.config?.version ?? 0,
      appliedHash: current.config?.hash ?? null,
      credentialSeq: current.credentials.seq,
      error: refusal ? refusal.slice(0, 4000) : null,
      gatewayVersion: this.options.gatewayVersion,
      services: this.options.serviceHealth(),
    };
    const response = await request(
      `${this.options.controlUrl}${dpNodeStatusPath(this.options.nodeId)}`,
      {
        method: 'POST',
        dispatcher: this.agent,
        signal: this.abort.signal,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json',
          [DATA_PLANE_NODE_HEADER]: this.options.nodeId,
        },
        body: JSON.stringify(report),
        headersTimeout: 10_000,
      },
    );
    await response.body.dump();
    if (response.statusCode >= 300)
      throw new Error(`control plane answered ${response.statusCode}`);
  }
}
