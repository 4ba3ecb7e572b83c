/** Two APIs collide when they share a base path and could answer on the same host. */
export interface RoutableApi {
  name: string;
  basePath: string;
  hosts: readonly string[];
}

export interface ApiCollision {
  first: string;
  second: string;
  basePath: string;
  host: string;
}

/** Returns every pair of APIs that would claim the same requests. */
export function findApiCollisions(apis: readonly RoutableApi[]): ApiCollision[] {
  const collisions: ApiCollision[] = [];
  for (let i = 0; i < apis.length; i++) {
    for (let j = i + 1; j < apis.length; j++) {
      const a = apis[i];
      const b = apis[j];
      if (!a || !b || normaliseBasePath(a.basePath) !== normaliseBasePath(b.basePath)) continue;
      const host = sharedHost(a.hosts, b.hosts);
      if (host !== null)
        collisions.push({ first: a.name, second: b.name, basePath: a.basePath, host });
    }
  }
  return collisions;
}

function normaliseBasePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function sharedHost(a: readonly string[], b: readonly string[]): string | null {
  if (a.length === 0) return b[0] ?? '*';
  if (b.length === 0) return a[0] ?? '*';
  for (const host of a) {
    if (b.includes(host)) return host;
  }
  return null;
}

export function describeCollision(c: ApiCollision): string {
  return `APIs ${c.first} and ${c.second} both claim base path ${c.basePath} on host ${c.host}`;
}
