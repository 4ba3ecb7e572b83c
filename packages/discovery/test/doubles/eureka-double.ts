import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpDouble, sendJson } from './http-double';

interface Stored {
  app: string;
  instanceId: string;
  ipAddr: string;
  port: number;
  status: 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE';
  metadata: Record<string, string>;
  zone?: string;
}

/**
 * An in-process double of Eureka's apps REST API (JSON): `GET /eureka/apps` answers every
 * application with its instances; `GET /eureka/apps/delta` answers the instances changed within
 * the recent-changes window with `actionType` ADDED / MODIFIED / DELETED; both carry
 * `apps__hashcode` of the whole registry (`<STATUS>_<count>_` sorted by status), which is how
 * Eureka clients detect a missed delta. Answers XML-only 406 unless `Accept` asks for JSON.
 */
export class EurekaDouble {
  readonly http: HttpDouble;
  private readonly instances = new Map<string, Stored>();
  private recent: Array<{
    at: number;
    action: 'ADDED' | 'MODIFIED' | 'DELETED';
    instance: Stored;
  }> = [];
  /** Eureka keeps about three minutes of changes; tests shrink it to simulate a missed delta. */
  retentionMs = 180_000;
  deltaRequests = 0;
  fullRequests = 0;

  constructor(private readonly credentials: { username: string; password: string }) {
    this.http = new HttpDouble((req, res, url) => this.handle(req, res, url));
  }

  put(instance: Stored): void {
    const key = `${instance.app}/${instance.instanceId}`;
    const action = this.instances.has(key) ? 'MODIFIED' : 'ADDED';
    this.instances.set(key, { ...instance, app: instance.app.toUpperCase() });
    this.recent.push({
      at: Date.now(),
      action,
      instance: { ...instance, app: instance.app.toUpperCase() },
    });
  }

  setStatus(app: string, instanceId: string, status: Stored['status']): void {
    const stored = this.instances.get(`${app}/${instanceId}`);
    if (stored) this.put({ ...stored, app, status });
  }

  remove(app: string, instanceId: string): void {
    const stored = this.instances.get(`${app}/${instanceId}`);
    if (!stored) return;
    this.instances.delete(`${app}/${instanceId}`);
    this.recent.push({ at: Date.now(), action: 'DELETED', instance: stored });
  }

  /** Changes that happen while a client is not looking and fall out of the delta window. */
  forgetRecentChanges(): void {
    this.recent = [];
  }

  private hashcode(): string {
    const counts = new Map<string, number>();
    for (const i of this.instances.values()) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
    return [...counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([s, n]) => `${s}_${n}_`)
      .join('');
  }

  private render(instance: Stored, action?: string) {
    return {
      instanceId: instance.instanceId,
      hostName: `${instance.instanceId}.local`,
      app: instance.app,
      ipAddr: instance.ipAddr,
      status: instance.status,
      overriddenstatus: 'UNKNOWN',
      port: { $: instance.port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      dataCenterInfo: {
        '@class': 'com.netflix.appinfo.AmazonInfo',
        name: 'Amazon',
        metadata: instance.zone ? { 'availability-zone': instance.zone } : {},
      },
      metadata: instance.metadata,
      ...(action ? { actionType: action } : {}),
    };
  }

  private group(list: Array<{ instance: Stored; action?: string }>) {
    const byApp = new Map<string, unknown[]>();
    for (const { instance, action } of list)
      byApp.set(instance.app, [...(byApp.get(instance.app) ?? []), this.render(instance, action)]);
    // Eureka's JSON collapses one-element lists into a bare object; clients must accept both.
    return [...byApp.entries()].map(([name, instances]) => ({
      name,
      instance: instances.length === 1 ? instances[0] : instances,
    }));
  }

  private handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="eureka"' });
      res.end();
      return;
    }
    if (!(req.headers.accept ?? '').includes('application/json')) {
      res.writeHead(406);
      res.end();
      return;
    }
    if (url.pathname === '/eureka/apps') {
      this.fullRequests += 1;
      const list = [...this.instances.values()].map((instance) => ({ instance }));
      sendJson(res, 200, {
        applications: {
          versions__delta: '1',
          apps__hashcode: this.hashcode(),
          application: this.group(list),
        },
      });
      return;
    }
    if (url.pathname === '/eureka/apps/delta') {
      this.deltaRequests += 1;
      const since = Date.now() - this.retentionMs;
      const list = this.recent
        .filter((c) => c.at >= since)
        .map((c) => ({ instance: c.instance, action: c.action }));
      sendJson(res, 200, {
        applications: {
          versions__delta: String(this.recent.length),
          apps__hashcode: this.hashcode(),
          application: this.group(list),
        },
      });
      return;
    }
    res.writeHead(404);
    res.end();
  }
}
