import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshotHash } from '@portico/config';

/** What a gateway keeps in its state folder: the published snapshot and the credentials. */
export interface GatewayState {
  published: unknown;
  credentials: unknown;
}

/**
 * Writes a last-known-good file (with the checksum the gateway verifies) into a gateway state
 * folder: what a gateway boots from when the control plane cannot be reached.
 */
export async function writeLastKnownGood(stateDir: string, state: GatewayState): Promise<void> {
  const payload = JSON.stringify(state);
  const envelope = {
    format: 1,
    savedAt: new Date().toISOString(),
    checksum: createHash('sha256').update(payload).digest('hex'),
    payload,
  };
  await writeFile(join(stateDir, 'last-known-good.json'), JSON.stringify(envelope));
}

/**
 * Version 1 of a snapshot with one API (`apiId`, no auth) on `/` proxying every path to a
 * loopback upstream port, and no credentials: a gateway that only forwards.
 */
export function forwardingGatewayState(upstreamPort: number, apiId: string): GatewayState {
  const snapshot = {
    schemaVersion: 1,
    registries: [],
    services: [
      { id: 'svc_up', name: 'svc_up', targets: [{ host: '127.0.0.1', port: upstreamPort }] },
    ],
    apis: [
      {
        id: apiId,
        name: 'forwarding',
        slug: 'forwarding',
        basePath: '/',
        serviceId: 'svc_up',
        auth: { type: 'none' },
        routes: [{ id: 'rte_all', path: '/*' }],
      },
    ],
  };
  return {
    published: {
      version: 1,
      hash: snapshotHash(snapshot),
      publishedAt: new Date().toISOString(),
      snapshot,
      secrets: { registries: {}, jwtSecrets: {} },
    },
    credentials: { seq: 0, set: { consumers: [], keys: [], subscriptions: [] } },
  };
}

/**
 * A snapshot API with no auth: `id` as its name and slug, on `basePath`, forwarding every path
 * (one `/*` route) to `serviceId`; `extra` sets or overrides any other field.
 */
export function apiOf(
  id: string,
  basePath: string,
  serviceId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    name: id,
    slug: id,
    basePath,
    serviceId,
    auth: { type: 'none' },
    routes: [{ id: `${id}-all`, path: '/*' }],
    ...extra,
  };
}
