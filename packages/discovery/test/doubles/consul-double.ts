import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpDouble, parseGoDurationMs, sendJson } from './http-double';

interface ConsulServiceEntry {
  node: string;
  nodeAddress: string;
  id: string;
  service: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  weights: { Passing: number; Warning: number };
  checkStatus: 'passing' | 'warning' | 'critical';
}

/**
 * An in-process double of Consul's HTTP API, the parts the adapter uses, following the
 * documentation: `GET /v1/health/service/:service` with `passing`, repeated `tag`, `dc`,
 * blocking `index`/`wait` (answers when the service's X-Consul-Index moves past `index`, or
 * when `wait` passes with the same index), ACL tokens in `X-Consul-Token` (403 "ACL not found"),
 * an unknown `dc` answering 500 "No path to datacenter", and `GET /v1/catalog/services`.
 */
export class ConsulDouble {
  readonly http: HttpDouble;
  private readonly entries = new Map<string, ConsulServiceEntry>();
  private raftIndex = 10;
  private readonly serviceIndex = new Map<string, number>();
  private waiters = new Set<() => void>();
  /** Tokens seen on requests, to prove the adapter sends them. */
  readonly tokensSeen: string[] = [];

  constructor(
    private readonly acceptedToken: string,
    private readonly datacenter = 'dc1',
  ) {
    this.http = new HttpDouble((req, res, url) => this.handle(req, res, url));
  }

  upsert(
    entry: Omit<ConsulServiceEntry, 'weights' | 'checkStatus' | 'meta' | 'tags' | 'nodeAddress'> &
      Partial<ConsulServiceEntry>,
  ): void {
    const full: ConsulServiceEntry = {
      nodeAddress: '127.0.0.1',
      tags: [],
      meta: {},
      weights: { Passing: 1, Warning: 1 },
      checkStatus: 'passing',
      ...entry,
    };
    this.entries.set(`${full.node}/${full.id}`, full);
    this.bump(full.service);
  }

  deregister(node: string, id: string): void {
    const entry = this.entries.get(`${node}/${id}`);
    if (!entry) return;
    this.entries.delete(`${node}/${id}`);
    this.bump(entry.service);
  }

  setCheck(node: string, id: string, status: ConsulServiceEntry['checkStatus']): void {
    const entry = this.entries.get(`${node}/${id}`);
    if (!entry) return;
    entry.checkStatus = status;
    this.bump(entry.service);
  }

  private bump(service: string): void {
    this.raftIndex += 1;
    this.serviceIndex.set(service, this.raftIndex);
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  private indexOf(service: string): number {
    // Consul answers the table's index for a service it never saw; never 0.
    return this.serviceIndex.get(service) ?? this.raftIndex;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = req.headers['x-consul-token'];
    if (typeof token === 'string') this.tokensSeen.push(token);
    if (token !== this.acceptedToken) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('ACL not found');
      return;
    }
    const dc = url.searchParams.get('dc');
    if (dc && dc !== this.datacenter) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('No path to datacenter');
      return;
    }
    if (url.pathname === '/v1/catalog/services') {
      const services: Record<string, string[]> = { consul: [] };
      for (const e of this.entries.values())
        services[e.service] = [...new Set([...(services[e.service] ?? []), ...e.tags])];
      sendJson(res, 200, services, { 'x-consul-index': String(this.raftIndex) });
      return;
    }
    const match = /^\/v1\/health\/service\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1]) {
      res.writeHead(404);
      res.end();
      return;
    }
    const service = decodeURIComponent(match[1]);
    const rawIndex = url.searchParams.get('index');
    if (rawIndex !== null) {
      const minIndex = Number(rawIndex);
      const waitMs = Math.min(parseGoDurationMs(url.searchParams.get('wait'), 300_000), 600_000);
      const deadline = Date.now() + waitMs;
      while (this.indexOf(service) <= minIndex && Date.now() < deadline && this.http.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.waiters.delete(wake);
            resolve();
          }, deadline - Date.now());
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          this.waiters.add(wake);
          res.once('close', wake);
        });
        if (res.destroyed) return;
      }
    }
    const passingOnly =
      url.searchParams.has('passing') && url.searchParams.get('passing') !== 'false';
    const tags = url.searchParams.getAll('tag');
    const body = [...this.entries.values()]
      .filter((e) => e.service === service)
      .filter((e) => !passingOnly || e.checkStatus === 'passing')
      .filter((e) => tags.every((t) => e.tags.includes(t)))
      .map((e) => ({
        Node: { Node: e.node, Address: e.nodeAddress, Datacenter: this.datacenter, Meta: {} },
        Service: {
          ID: e.id,
          Service: e.service,
          Tags: e.tags,
          Address: e.address,
          Port: e.port,
          Meta: e.meta,
          Weights: e.weights,
        },
        Checks: [
          { Node: e.node, CheckID: `service:${e.id}`, Status: e.checkStatus, ServiceID: e.id },
        ],
      }));
    sendJson(res, 200, body, {
      'x-consul-index': String(this.indexOf(service)),
      'x-consul-knownleader': 'true',
    });
  }

  /** Forget every entry and restart indexes low, like a Consul cluster rebuilt from scratch. */
  wipe(): void {
    this.entries.clear();
    this.serviceIndex.clear();
    this.raftIndex = 2;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}
