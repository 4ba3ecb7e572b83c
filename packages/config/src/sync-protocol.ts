import { z } from 'zod';
import { ZCredentialChange, ZCredentialSet } from './credentials';
import { ZRedisPrefix } from './redis-prefix';
import { ZConfigSnapshot } from './snapshot';

/**
 * The data-plane sync API's wire contract (`/dp/v1` on the control plane): its paths, request and
 * response documents. The control plane serves it; the gateway's sync client is its client.
 * Errors are the shared problem document with a DP_ERRORS code.
 */
export const DP_BASE_PATH = '/dp/v1';
/** `GET`: the long-poll for config and credentials (ZSyncQuery in, ZSyncResponse or 204 out). */
export const DP_CONFIG_PATH = `${DP_BASE_PATH}/config`;
/** `GET`: facts of the deployment a gateway needs at boot (ZDeploymentInfo). */
export const DP_DEPLOYMENT_PATH = `${DP_BASE_PATH}/deployment`;
/** `POST` (ZNodeStatusReport in, 204 out), as a route pattern for the server. */
export const DP_NODE_STATUS_ROUTE = `${DP_BASE_PATH}/nodes/:nodeId/status`;

/** Where a gateway posts its status report. */
export function dpNodeStatusPath(nodeId: string): string {
  return `${DP_BASE_PATH}/nodes/${encodeURIComponent(nodeId)}/status`;
}

/** Node ids come from gateways: printable, short, no surprises in logs or the console. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** `GET /dp/v1/deployment`: the deployment's Redis prefix, derived by the control plane. */
export const ZDeploymentInfo = z.object({ redisPrefix: ZRedisPrefix });
export type DeploymentInfo = z.infer<typeof ZDeploymentInfo>;

/**
 * `GET /dp/v1/config?version=V&hash=H&seq=S&waitSeconds=W` (Authorization: Bearer <dp token>,
 * header `x-portico-node-id`). Answers at once when anything is newer than (V, S), otherwise
 * holds the request up to W seconds and then answers 204 No Content.
 */
export const ZSyncQuery = z.object({
  version: z.coerce.number().int().min(0).default(0),
  hash: z.string().max(64).optional(),
  seq: z.coerce.number().int().min(0).default(0),
  waitSeconds: z.coerce.number().int().min(0).max(60).default(30),
});
export type SyncQuery = z.infer<typeof ZSyncQuery>;

/** Secrets that snapshots reference but never contain; gateways keep them only in memory and state dir. */
export const ZSyncSecrets = z.object({
  registries: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  jwtSecrets: z.record(z.string(), z.string()).default({}),
  /** PEM private keys of the snapshot's certificates, by certificate id. */
  tlsKeys: z.record(z.string(), z.string()).default({}),
});
export type SyncSecrets = z.infer<typeof ZSyncSecrets>;

export const ZPublishedConfig = z.object({
  version: z.number().int().min(1),
  /** sha256 (hex) of `canonicalJson(snapshot)`; gateways recompute and refuse a mismatch. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  publishedAt: z.string(),
  snapshot: ZConfigSnapshot,
  secrets: ZSyncSecrets.prefault({}),
});
export type PublishedConfig = z.infer<typeof ZPublishedConfig>;

export const ZSyncResponse = z.object({
  /** Present when the gateway's (version, hash) differs from the latest published version. */
  config: ZPublishedConfig.nullable(),
  credentials: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('full'), seq: z.number().int().min(0), set: ZCredentialSet }),
    z.object({
      mode: z.literal('delta'),
      seq: z.number().int().min(0),
      changes: z.array(ZCredentialChange),
    }),
  ]),
});
export type SyncResponse = z.infer<typeof ZSyncResponse>;

/** `POST /dp/v1/nodes/:nodeId/status`: what a gateway runs, and what it refused. */
export const ZNodeStatusReport = z.object({
  hostname: z.string().max(253),
  appliedVersion: z.number().int().min(0),
  appliedHash: z.string().max(64).nullable(),
  credentialSeq: z.number().int().min(0),
  error: z.string().max(4000).nullable(),
  gatewayVersion: z.string().max(50).optional(),
  /** Per-service instance health as the gateway sees it, aggregated by the control plane for the console. */
  services: z
    .array(
      z.object({
        serviceId: z.string(),
        instances: z.array(
          z.object({
            id: z.string(),
            address: z.string(),
            port: z.number().int(),
            state: z.enum(['healthy', 'unhealthy', 'ejected', 'draining']),
            reason: z.string().nullable(),
          }),
        ),
      }),
    )
    .optional(),
});
export type NodeStatusReport = z.infer<typeof ZNodeStatusReport>;

export const DATA_PLANE_NODE_HEADER = 'x-portico-node-id';
