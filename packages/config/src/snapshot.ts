import { z } from 'zod';
import {
  ZApiAuth,
  ZApiHost,
  ZApiPolicies,
  ZBasePath,
  ZQuota,
  ZRateLimit,
  ZRedisFailurePolicy,
  ZRoute,
} from './api-settings';
import { ZSnapshotMcp } from './mcp-settings';
import { ZDiscoveryRef, ZName, ZRegistryType, ZServiceSettings, ZTarget } from './service-settings';

export const SNAPSHOT_SCHEMA_VERSION = 1;

export const ZSnapshotRegistry = z.object({
  id: z.string(),
  name: ZName,
  type: ZRegistryType,
  address: z.string().max(2000),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Credentials never live in a snapshot; gateways get them beside it as `secrets.registries[id]`. */
  hasCredentials: z.boolean().default(false),
  /**
   * Changes whenever the stored credentials change (a digest of their sealed form, which reveals
   * nothing about them), so a credentials-only change still makes a new version and gateways
   * receive the new `secrets` with it.
   */
  credentialsFingerprint: z.string().max(64).optional(),
});
export type SnapshotRegistry = z.infer<typeof ZSnapshotRegistry>;

export const ZSnapshotService = ZServiceSettings.extend({
  id: z.string(),
  name: ZName,
  targets: z.array(ZTarget).max(1000).default([]),
  discovery: ZDiscoveryRef.extend({ registryId: z.string() }).nullable().default(null),
});
export type SnapshotService = z.infer<typeof ZSnapshotService>;

export const ZSnapshotRoute = ZRoute.extend({ id: z.string() });
export type SnapshotRoute = z.infer<typeof ZSnapshotRoute>;

export const ZSnapshotApi = z.object({
  id: z.string(),
  name: ZName,
  slug: z.string(),
  version: z.string().max(50).default('v1'),
  basePath: ZBasePath,
  hosts: z.array(ZApiHost).default([]),
  stripBasePath: z.boolean().default(true),
  serviceId: z.string(),
  auth: ZApiAuth,
  /**
   * With `auth.secretRef`: a digest of the referenced secret's sealed (encrypted) value, which
   * reveals nothing about it. Rotating the secret changes it, so the draft differs and the next
   * publish delivers the new `secrets.jwtSecrets[secretRef]`. Optional so versions published
   * before it existed keep their hash.
   */
  jwtSecretFingerprint: z.string().max(64).optional(),
  routes: z.array(ZSnapshotRoute).default([]),
  policies: ZApiPolicies.prefault({}),
  /** Present only when MCP is enabled, so versions published before MCP existed keep their hash. */
  mcp: ZSnapshotMcp.optional(),
  /**
   * The API's OpenAPI document, parsed, present only while `policies.validation` is on (so
   * versions without validation keep their hash and gateways carry no unused documents).
   */
  openApi: z.record(z.string(), z.unknown()).optional(),
});
export type SnapshotApi = z.infer<typeof ZSnapshotApi>;

export const ZSnapshotPlan = z.object({
  id: z.string(),
  name: ZName,
  apiIds: z.array(z.string()),
  /**
   * Route-level scope: for an API listed here the plan includes only these routes; an API of
   * `apiIds` absent from it is included whole. Optional so older versions keep their hash.
   */
  routeIds: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  rateLimit: ZRateLimit.nullable().default(null),
  quota: ZQuota.nullable().default(null),
  redisFailurePolicy: ZRedisFailurePolicy.default('open'),
});
export type SnapshotPlan = z.infer<typeof ZSnapshotPlan>;

/** SNI names a certificate serves: exact host names or one leading `*.` wildcard label. */
export const ZCertificateHost = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'a host name, optionally starting with "*." for one wildcard label',
  );

/**
 * A TLS certificate the proxy listener serves for `hosts` (SNI). The private key never lives in
 * a snapshot: gateways get it beside it as `secrets.tlsKeys[id]`; `keyFingerprint` changes with
 * the key so a rotation makes a new version.
 */
export const ZSnapshotCertificate = z.object({
  id: z.string(),
  name: ZName,
  hosts: z.array(ZCertificateHost).min(1),
  certPem: z.string().max(65_536),
  keyFingerprint: z.string().max(64),
});
export type SnapshotCertificate = z.infer<typeof ZSnapshotCertificate>;

/**
 * One published, immutable config version as every gateway sees it. Gateways validate it with
 * this schema before use and apply it whole or not at all.
 */
export const ZConfigSnapshot = z
  .object({
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
    registries: z.array(ZSnapshotRegistry).default([]),
    services: z.array(ZSnapshotService).default([]),
    apis: z.array(ZSnapshotApi).default([]),
    plans: z.array(ZSnapshotPlan).default([]),
    /**
     * Optional rather than defaulted so versions published before TLS existed keep their hash;
     * absent means no certificate (the TLS listener refuses handshakes).
     */
    certificates: z.array(ZSnapshotCertificate).optional(),
  })
  .superRefine((snapshot, ctx) => {
    const serviceIds = new Set(snapshot.services.map((s) => s.id));
    const registryIds = new Set(snapshot.registries.map((r) => r.id));
    const apiIds = new Set(snapshot.apis.map((a) => a.id));
    snapshot.apis.forEach((api, index) => {
      if (api.policies.validation !== undefined && api.openApi === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['apis', index, 'policies', 'validation'],
          message: `API ${api.name} turns on request validation but has no OpenAPI document`,
        });
      }
      if (!serviceIds.has(api.serviceId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apis', index, 'serviceId'],
          message: `API ${api.name} references unknown service ${api.serviceId}`,
        });
      }
    });
    snapshot.services.forEach((service, index) => {
      if (service.discovery && !registryIds.has(service.discovery.registryId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', index, 'discovery', 'registryId'],
          message: `service ${service.name} references unknown registry ${service.discovery.registryId}`,
        });
      }
    });
    const routeIdsByApi = new Map(
      snapshot.apis.map((api) => [api.id, new Set(api.routes.map((r) => r.id))] as const),
    );
    snapshot.plans.forEach((plan, index) => {
      for (const [apiId, routeIds] of Object.entries(plan.routeIds ?? {})) {
        const known = routeIdsByApi.get(apiId);
        const unknown = routeIds.find((id) => !known?.has(id));
        if (!plan.apiIds.includes(apiId) || unknown !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['plans', index, 'routeIds', apiId],
            message: `plan ${plan.name} scopes ${plan.apiIds.includes(apiId) ? `unknown route ${unknown}` : `API ${apiId}, which it does not include`}`,
          });
        }
      }
      for (const apiId of plan.apiIds) {
        if (!apiIds.has(apiId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['plans', index, 'apiIds'],
            message: `plan ${plan.name} references unknown API ${apiId}`,
          });
        }
      }
    });
  });
export type ConfigSnapshot = z.infer<typeof ZConfigSnapshot>;
