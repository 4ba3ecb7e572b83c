import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpDouble, sendJson } from './http-double';

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  zone?: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string };
}

interface Slice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    resourceVersion: string;
  };
  addressType: 'IPv4';
  endpoints: SliceEndpoint[];
  ports: Array<{ name: string; port: number; protocol: 'TCP' }>;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * An in-process double of the Kubernetes API server's EndpointSlice endpoints, per the API
 * conventions: list (`/apis/discovery.k8s.io/v1/namespaces/:ns/endpointslices` with a
 * `kubernetes.io/service-name` label selector) answers an EndpointSliceList with
 * `metadata.resourceVersion`; `?watch=1&resourceVersion=RV` streams newline-delimited
 * `{type, object}` events after RV, BOOKMARK events when `allowWatchBookmarks=true`, an ERROR
 * event carrying a 410 Expired Status when RV was compacted, and ends at `timeoutSeconds`.
 * Bearer tokens are checked (401 Status otherwise).
 */
export class KubernetesDouble {
  readonly http: HttpDouble;
  private revision = 100;
  private readonly slices = new Map<string, Slice>();
  private history: Array<{ rv: number; type: EventType; object: Slice }> = [];
  private compactedBefore = 0;
  private readonly watchers = new Set<() => void>();
  readonly requests: string[] = [];
  bookmarkIntervalMs = 100;

  constructor(private readonly token: string) {
    this.http = new HttpDouble((req, res, url) => this.handle(req, res, url));
  }

  private record(type: EventType, slice: Slice): void {
    this.revision += 1;
    slice.metadata.resourceVersion = String(this.revision);
    this.history.push({ rv: this.revision, type, object: structuredClone(slice) });
    for (const wake of this.watchers) wake();
  }

  applySlice(
    namespace: string,
    service: string,
    name: string,
    endpoints: SliceEndpoint[],
    ports: Array<{ name: string; port: number }>,
  ): void {
    const key = `${namespace}/${name}`;
    const existed = this.slices.has(key);
    const slice: Slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        namespace,
        labels: { 'kubernetes.io/service-name': service },
        resourceVersion: '',
      },
      addressType: 'IPv4',
      endpoints,
      ports: ports.map((p) => ({ ...p, protocol: 'TCP' as const })),
    };
    this.slices.set(key, slice);
    this.record(existed ? 'MODIFIED' : 'ADDED', slice);
  }

  deleteSlice(namespace: string, name: string): void {
    const slice = this.slices.get(`${namespace}/${name}`);
    if (!slice) return;
    this.slices.delete(`${namespace}/${name}`);
    this.record('DELETED', slice);
  }

  /** Forgets history up to now, so watches from older resourceVersions get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.revision;
    this.history = [];
  }

  private status(res: ServerResponse, code: number, reason: string, message: string) {
    sendJson(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason,
      code,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.requests.push(url.pathname + url.search);
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    const services = /^\/api\/v1\/namespaces\/([^/]+)\/services$/.exec(url.pathname);
    if (services) {
      const names = new Set(
        [...this.slices.values()]
          .filter((s) => s.metadata.namespace === services[1])
          .map((s) => s.metadata.labels['kubernetes.io/service-name']),
      );
      return sendJson(res, 200, {
        kind: 'ServiceList',
        metadata: { resourceVersion: String(this.revision) },
        items: [...names].map((name) => ({ metadata: { name } })),
      });
    }
    const match = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/.exec(
      url.pathname,
    );
    if (!match?.[1])
      return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const namespace = match[1];
    const selector = url.searchParams.get('labelSelector') ?? '';
    const [, wanted] = /^kubernetes\.io\/service-name=(.+)$/.exec(selector) ?? [];
    const matches = (s: Slice) =>
      s.metadata.namespace === namespace &&
      (!wanted || s.metadata.labels['kubernetes.io/service-name'] === wanted);

    if (url.searchParams.get('watch') !== '1' && url.searchParams.get('watch') !== 'true') {
      return sendJson(res, 200, {
        kind: 'EndpointSliceList',
        apiVersion: 'discovery.k8s.io/v1',
        metadata: { resourceVersion: String(this.revision) },
        items: [...this.slices.values()].filter(matches),
      });
    }

    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeoutMs = Number(url.searchParams.get('timeoutSeconds') ?? '1800') * 1000;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (event: unknown) => res.write(`${JSON.stringify(event)}\n`);
    if (from < this.compactedBefore) {
      send({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: `too old resource version: ${from} (${this.compactedBefore})`,
          reason: 'Expired',
          code: 410,
        },
      });
      res.end();
      return;
    }
    let sent = from;
    const flush = () => {
      for (const entry of this.history) {
        if (entry.rv > sent && matches(entry.object))
          send({ type: entry.type, object: entry.object });
        if (entry.rv > sent) sent = entry.rv;
      }
    };
    flush();
    await new Promise<void>((resolve) => {
      const bookmark = bookmarks
        ? setInterval(() => {
            sent = Math.max(sent, this.revision);
            send({
              type: 'BOOKMARK',
              object: {
                kind: 'EndpointSlice',
                apiVersion: 'discovery.k8s.io/v1',
                metadata: { resourceVersion: String(this.revision) },
              },
            });
          }, this.bookmarkIntervalMs)
        : null;
      const end = setTimeout(done, timeoutMs);
      this.watchers.add(flush);
      res.once('close', done);
      function done() {
        if (bookmark) clearInterval(bookmark);
        clearTimeout(end);
        resolve();
      }
      this.watchers.add(flush);
      const cleanup = () => this.watchers.delete(flush);
      res.once('close', cleanup);
    });
    this.watchers.delete(flush);
    if (!res.destroyed) res.end();
  }
}
