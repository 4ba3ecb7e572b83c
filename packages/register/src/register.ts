import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
// Types only: the package stays free of runtime dependencies, and a change to the registry's
// wire contract fails this package's typecheck.
import type { RegisterRequest, RegistryInstancePath } from '@portico/config';

export interface RegisterOptions {
  /** Base URL of the Portico control plane, e.g. `http://control:4000`. */
  controlUrl: string;
  /** A registry token with the `register` scope. Never logged. */
  token: string;
  service: string;
  /** Address other services reach this instance on (IP or host name). */
  address: string;
  port: number;
  metadata?: Record<string, string>;
  /** The registry drops the instance this long after its last heartbeat. Default 15. */
  ttlSeconds?: number;
  /** Default: `<host>-<pid>-<random>`. */
  instanceId?: string;
  /** Deregister on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
  /** Where failures are reported; default `console.warn`. */
  onError?: (message: string) => void;
  fetch?: typeof fetch;
}

export interface Registration {
  instanceId: string;
  /** Stops heartbeats and removes the instance. Never rejects; safe to call twice. */
  deregister(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 3000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Registers this process with Portico's built-in registry, heartbeats at a third of the TTL
 * (retrying failed beats sooner), and deregisters on SIGTERM/SIGINT. Resolves after the first
 * attempt whether or not it succeeded (a control plane that is down at boot must not stop the
 * service starting); it keeps trying in the background and never rejects or throws.
 */
export async function register(options: RegisterOptions): Promise<Registration> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const ttlSeconds = options.ttlSeconds ?? 15;
  const instanceId = options.instanceId ?? defaultInstanceId();
  const report =
    options.onError ?? ((message: string) => console.warn(`[portico-register] ${message}`));
  const base = options.controlUrl.replace(/\/+$/, '');
  const path: RegistryInstancePath = `/registry/v1/services/${encodeURIComponent(options.service)}/instances/${encodeURIComponent(instanceId)}`;
  const url = `${base}${path}`;
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const registration: RegisterRequest = {
    address: options.address,
    port: options.port,
    metadata: options.metadata ?? {},
    ttlSeconds,
  };
  const body = JSON.stringify(registration);
  const intervalMs = Math.max(500, Math.floor((ttlSeconds * 1000) / 3));

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;

  async function beat(): Promise<boolean> {
    try {
      const res = await fetchImpl(url, {
        method: 'PUT',
        headers,
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) return true;
      report(
        `registering ${options.service}/${instanceId} failed: HTTP ${res.status} ${extractDetail(text)}`,
      );
      return false;
    } catch (error) {
      report(`registering ${options.service}/${instanceId} failed: ${describe(error)}`);
      return false;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void beat().then((ok) => {
        failures = ok ? 0 : failures + 1;
        // After a failure retry sooner (but never faster than every 250 ms) so one lost beat
        // does not cost the instance its registration.
        schedule(ok ? intervalMs : Math.min(intervalMs, 250 * 2 ** Math.min(failures, 5)));
      });
    }, delayMs);
    // The heartbeat alone must never keep a process alive that would otherwise exit.
    timer.unref();
  }

  let deregistering: Promise<void> | null = null;
  function deregister(): Promise<void> {
    if (deregistering) return deregistering;
    stopped = true;
    if (timer) clearTimeout(timer);
    removeSignalHandlers();
    deregistering = (async () => {
      try {
        const res = await fetchImpl(url, {
          method: 'DELETE',
          headers: { authorization: headers.authorization },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await res.text().catch(() => '');
        if (!res.ok && res.status !== 404)
          report(`deregistering ${options.service}/${instanceId} failed: HTTP ${res.status}`);
      } catch (error) {
        report(`deregistering ${options.service}/${instanceId} failed: ${describe(error)}`);
      }
    })();
    return deregistering;
  }

  const onSignal = (signal: NodeJS.Signals) => {
    // Others listening means the application runs its own shutdown; otherwise re-raise the
    // signal once deregistered so the process ends exactly as it would have without us.
    const othersHandleIt = process.listenerCount(signal) > 1;
    void deregister().then(() => {
      if (!othersHandleIt) process.kill(process.pid, signal);
    });
  };
  function removeSignalHandlers(): void {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  if (options.handleSignals ?? true) {
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }

  const ok = await beat();
  failures = ok ? 0 : 1;
  schedule(ok ? intervalMs : 250);
  return { instanceId, deregister };
}

function defaultInstanceId(): string {
  const host =
    hostname()
      .replace(/[^a-zA-Z0-9._-]/g, '-')
      .replace(/^[^a-zA-Z0-9]+/, '') || 'host';
  return `${host.slice(0, 100)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

function extractDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail : '';
  } catch {
    return '';
  }
}
