import { z } from 'zod';
import { ZApiFields } from './api-fields';
import { ZApiHost, ZRoute } from './api-settings';
import { ZCertificateFields } from './certificate-fields';
import { ZSnapshotMcp } from './mcp-settings';
import { ZPlanFields } from './plan-fields';
import { ZRegistryFields } from './registry-fields';
import { ZServiceFields } from './service-fields';

export const SNAPSHOT_SCHEMA_VERSION = 1;

const REGISTRY = ZRegistryFields.shape;

export const ZSnapshotRegistry = z.object({
  id: z.string(),
  name: REGISTRY.name,
  type: REGISTRY.type,
  address: REGISTRY.address,
  options: REGISTRY.options.default({}),
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

const SERVICE = ZServiceFields.shape;

export const ZSnapshotService = SERVICE.settings.extend({
  id: z.string(),
  name: SERVICE.name,
  targets: SERVICE.targets.default([]),
  discovery: SERVICE.discovery.extend({ registryId: z.string() }).nullable().default(null),
});
export type SnapshotService = z.infer<typeof ZSnapshotService>;

export const ZSnapshotRoute = ZRoute.extend({ id: z.string() });
export type SnapshotRoute = z.infer<typeof ZSnapshotRoute>;

const API = ZApiFields.shape;

/**
 * An API as gateways see it: its fields but those only people read (description, visibility;
 * the MCP settings are published compiled, as `mcp`). A field of ZApiFields not named below is
 * optional here, so versions published before it existed keep their hash.
 */
export const ZSnapshotApi = ZApiFields.omit({ description: true, visibility: true, mcp: true })
  .partial()
  .extend({
    id: z.string(),
    name: API.name,
    slug: z.string(),
    // Looser than ZApiFields: published versions are immutable and may predate its limits.
    version: z.string().max(50).default('v1'),
    basePath: API.basePath,
    hosts: z.array(ZApiHost).default([]),
    stripBasePath: API.stripBasePath.default(true),
    serviceId: z.string(),
    auth: API.auth,
    /**
     * With `auth.secretRef`: a digest of the referenced secret's sealed (encrypted) value, which
     * reveals nothing about it. Rotating the secret changes it, so the draft differs and the next
     * publish delivers the new `secrets.jwtSecrets[secretRef]`. Optional so versions published
     * before it existed keep their hash.
     */
    jwtSecretFingerprint: z.string().max(64).optional(),
    routes: z.array(ZSnapshotRoute).default([]),
    policies: API.policies.prefault({}),
    /** Present only when MCP is enabled, so versions published before MCP existed keep their hash. */
    mcp: ZSnapshotMcp.optional(),
    /**
     * The API's OpenAPI document, parsed, present only while `policies.validation` is on (so
     * versions without validation keep their hash and gateways carry no unused documents).
     */
    openApi: z.record(z.string(), z.unknown()).optional(),
  });
export type SnapshotApi = z.infer<typeof ZSnapshotApi>;

const PLAN = ZPlanFields.shape;

export const ZSnapshotPlan = z.object({
  id: z.string(),
  name: PLAN.name,
  apiIds: z.array(z.string()),
  /**
   * Route-level scope: for an API listed here the plan includes only these routes; an API of
   * `apiIds` absent from it is included whole. Optional so older versions keep their hash.
   */
  routeIds: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  rateLimit: PLAN.rateLimit.nullable().default(null),
  quota: PLAN.quota.nullable().default(null),
  redisFailurePolicy: PLAN.redisFailurePolicy.default('open'),
});
export type SnapshotPlan = z.infer<typeof ZSnapshotPlan>;

/**
 * A TLS certificate the proxy listener serves for `hosts` (SNI). The private key never lives in
 * a snapshot: gateways get it beside it as `secrets.tlsKeys[id]`; `keyFingerprint` changes with
 * the key so a rotation makes a new version.
 */
const CERTIFICATE = ZCertificateFields.shape;

export const ZSnapshotCertificate = z.object({
  id: z.string(),
  name: CERTIFICATE.name,
  hosts: CERTIFICATE.hosts,
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
