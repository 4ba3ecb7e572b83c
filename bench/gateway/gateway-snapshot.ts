/**
 * The gateway's last-known-good snapshot as the benches write it: the gateway boots from it with
 * no control plane, which is all a data-plane benchmark needs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotHash } from '@portico/config';
import { generateSecret } from '@portico/keys';
import { GET_ITEM_TOOL } from '@portico/testkit';

/**
 * The MCP endpoint `--mcp` adds to the keyed API (`/bench/mcp`): one tool for the same
 * operation the REST requests call, so a tool call and a REST call differ only in how they ask.
 */
const BENCH_MCP = {
  path: '/mcp',
  tools: [GET_ITEM_TOOL],
};

/** What a bench gateway serves beyond the keyed and the open API. */
export interface GatewayStateExtras {
  /** Adds the MCP endpoint `/bench/mcp` to the keyed API. */
  mcp?: boolean;
  /** More APIs on service `svc_bench`, in the bench plan. */
  extraApis?: readonly { id: string }[];
  /** Consumer credentials (basic, …) of the bench consumer `con_bench`. */
  credentials?: readonly object[];
  /** Secrets the extra APIs' auth references by name (jwt secretRef, introspection client secret). */
  authSecrets?: Readonly<Record<string, string>>;
  /** Listener certificates, with their private keys by certificate id. */
  certificates?: readonly object[];
  tlsKeys?: Readonly<Record<string, string>>;
}

/**
 * Writes the gateway's last-known-good snapshot: a keyed API (`/bench`) under a plan with rate
 * limit and quota, and an open API (`/open`) with no auth and no plan, plus `extraApis` (on
 * service `svc_bench`, in the same plan); with `mcp`, the keyed API also answers MCP. Returns
 * the clear API key.
 */
export function writeGatewayState(
  stateDir: string,
  upstreamPort: number,
  extras: GatewayStateExtras = {},
): string {
  const mcp = extras.mcp ?? false;
  const extraApis = extras.extraApis ?? [];
  const key = generateSecret('apiKey');
  const snapshot = {
    schemaVersion: 1,
    registries: [],
    services: [
      { id: 'svc_bench', name: 'bench', targets: [{ host: '127.0.0.1', port: upstreamPort }] },
    ],
    apis: [
      {
        id: 'api_bench',
        name: 'bench-api',
        slug: 'bench',
        basePath: '/bench',
        serviceId: 'svc_bench',
        auth: { type: 'key' },
        routes: [],
        ...(mcp ? { mcp: BENCH_MCP } : {}),
      },
      {
        id: 'api_open',
        name: 'open-api',
        slug: 'open',
        basePath: '/open',
        serviceId: 'svc_bench',
        auth: { type: 'none' },
        routes: [],
      },
      ...extraApis,
    ],
    ...(extras.certificates ? { certificates: extras.certificates } : {}),
    plans: [
      {
        id: 'pln_bench',
        name: 'bench',
        apiIds: ['api_bench', ...extraApis.map((a) => a.id)],
        // Far above what the run can send: every request is counted against both limits (this
        // busy key mostly through leases), none refused.
        rateLimit: { requests: 1_000_000_000, per: 'second' },
        quota: { requests: 1_000_000_000_000, per: 'month' },
        redisFailurePolicy: 'open',
      },
    ],
  };
  writeLastKnownGood(
    stateDir,
    snapshot,
    {
      consumers: [{ id: 'con_bench', name: 'bench', status: 'active' }],
      keys: [{ id: 'key_bench', consumerId: 'con_bench', hash: key.hash, expiresAt: null }],
      subscriptions: [{ id: 'sub_bench', consumerId: 'con_bench', planId: 'pln_bench' }],
      credentials: extras.credentials ?? [],
    },
    { jwtSecrets: extras.authSecrets ?? {}, tlsKeys: extras.tlsKeys ?? {} },
  );
  return key.clear;
}

/** The credentials part of a snapshot: who may call, with which key hash, under which plan. */
export interface BenchCredentials {
  readonly consumers: readonly object[];
  readonly keys: readonly object[];
  readonly subscriptions: readonly object[];
  readonly credentials?: readonly object[];
}

/**
 * Publishes `snapshot` as version 1 with `credentials` into `stateDir/last-known-good.json`, in
 * the file format the gateway restores from when the control plane is unreachable.
 */
export function writeLastKnownGood(
  stateDir: string,
  snapshot: object,
  credentials: BenchCredentials,
  secrets: {
    jwtSecrets?: Readonly<Record<string, string>>;
    tlsKeys?: Readonly<Record<string, string>>;
  } = {},
): void {
  const published = {
    version: 1,
    hash: snapshotHash(snapshot),
    publishedAt: new Date().toISOString(),
    snapshot,
    secrets: {
      registries: {},
      jwtSecrets: secrets.jwtSecrets ?? {},
      tlsKeys: secrets.tlsKeys ?? {},
    },
  };
  const payload = JSON.stringify({ published, credentials: { seq: 1, set: credentials } });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(stateDir, 'last-known-good.json'),
    JSON.stringify({
      format: 1,
      savedAt: new Date().toISOString(),
      checksum: createHash('sha256').update(payload).digest('hex'),
      payload,
    }),
  );
}
