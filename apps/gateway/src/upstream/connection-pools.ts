import type { SnapshotService } from '@portico/config';
import { Pool } from 'undici';

/**
 * Keep-alive connection pools per upstream origin and TLS settings. They outlive config
 * versions (a publish must not drop warm connections); pools no longer used by the current
 * version are closed after the swap.
 */
export class ConnectionPools {
  private readonly pools = new Map<string, Pool>();

  get(origin: string, service: SnapshotService): Pool {
    const key = poolKey(origin, service);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: 512,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        headersTimeout: service.timeouts.firstByteMs,
        bodyTimeout: service.timeouts.totalMs,
        connect: {
          timeout: service.timeouts.connectMs,
          ...(service.scheme === 'https'
            ? {
                rejectUnauthorized: service.tls.verify,
                ...(service.tls.caBundlePem ? { ca: service.tls.caBundlePem } : {}),
                ...(service.tls.serverName ? { servername: service.tls.serverName } : {}),
              }
            : {}),
        },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes pools whose key is not in `inUse`, letting their in-flight requests finish. */
  retainOnly(inUse: ReadonlySet<string>): void {
    for (const [key, pool] of this.pools) {
      if (!inUse.has(key)) {
        this.pools.delete(key);
        pool.close().catch(() => undefined);
      }
    }
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}

export function poolKey(origin: string, service: SnapshotService): string {
  if (service.scheme !== 'https')
    return `${origin}|${service.timeouts.connectMs}|${service.timeouts.firstByteMs}|${service.timeouts.totalMs}`;
  return `${origin}|${service.timeouts.connectMs}|${service.timeouts.firstByteMs}|${service.timeouts.totalMs}|${service.tls.verify}|${service.tls.serverName ?? ''}|${service.tls.caBundlePem ?? ''}`;
}
