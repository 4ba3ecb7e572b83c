import { createHash } from 'node:crypto';
import {
  type ConfigSnapshot,
  type DiscoveryRef,
  formatIssues,
  SNAPSHOT_SCHEMA_VERSION,
  type SnapshotMcp,
  snapshotHash,
  ZConfigSnapshot,
  ZDiscoveryRef,
  ZMcpSettings,
} from '@portico/config';
import type { Prisma } from '@portico/db';
import { parse as parseYaml } from 'yaml';
import { sealedFingerprint } from '../../crypto/sealed-fingerprint';
import { clientCaIssues } from '../apis/client-certificate-cas';
import { mcpToolsFromOpenApi } from '../apis/openapi-tools';
import { authSecretRefWithPath, jwtSecretRefOf } from '../secrets/secret-refs';

/** The draft as a snapshot, or the reasons it cannot become one. */
export type DraftSnapshotResult =
  | { ok: true; snapshot: ConfigSnapshot; hash: string }
  | { ok: false; issues: string[] };

/** A stored discovery reference without its registry name, which comes from the relation. */
const ZStoredDiscovery = ZDiscoveryRef.omit({ registry: true });

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function asObject(value: Prisma.JsonValue | null): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/**
 * Reads the draft (the live config tables) into the snapshot every gateway will run, validated by
 * the contract schema. Lists are sorted by name so the same draft always hashes the same.
 * Registry credentials are left out on purpose: gateways receive them beside the snapshot.
 */
export async function loadDraftSnapshot(
  tx: Prisma.TransactionClient,
): Promise<DraftSnapshotResult> {
  const [registries, services, apis, plans, secrets, certificates] = await Promise.all([
    tx.registryConnection.findMany(),
    tx.service.findMany({ include: { registry: { select: { name: true } } } }),
    tx.api.findMany({ include: { routes: { orderBy: { position: 'asc' } } } }),
    tx.plan.findMany({ include: { apis: { select: { apiId: true, routes: true } } } }),
    tx.secret.findMany({ select: { name: true, valueSealed: true } }),
    tx.certificate.findMany({
      select: { id: true, name: true, hosts: true, certPem: true, keySealed: true },
    }),
  ]);
  const secretFingerprints = new Map(
    secrets.map((s) => [s.name, sealedFingerprint(s.valueSealed)] as const),
  );
  // Checked here as well as on API writes (which the declarative apply goes through too): a
  // version must never reference a secret gateways will not receive, whatever wrote the draft.
  const missingSecrets = apis.flatMap((a) => {
    const found = authSecretRefWithPath(a.auth);
    return found !== null && !secretFingerprints.has(found.ref)
      ? [`apis.${a.name}.${found.path}: no secret named ${found.ref}`]
      : [];
  });
  if (missingSecrets.length > 0) return { ok: false, issues: missingSecrets };
  const caIssues = apis.flatMap((a) =>
    clientCaIssues(a.auth, Date.now()).map((issue) => `apis.${a.name}.${issue}`),
  );
  if (caIssues.length > 0) return { ok: false, issues: caIssues };
  const mcpByApi = new Map<string, SnapshotMcp>();
  const mcpIssues: string[] = [];
  for (const a of apis) {
    const mcp = mcpOf(a);
    if (mcp === null) continue;
    if ('issue' in mcp) mcpIssues.push(`apis.${a.name}.${mcp.issue}`);
    else mcpByApi.set(a.id, mcp);
  }
  const routeIdsByName = new Map(
    apis.map((a) => [a.id, new Map(a.routes.flatMap((r) => (r.name ? [[r.name, r.id]] : [])))]),
  );
  const planIssues: string[] = [];
  const routeScopesOf = (plan: (typeof plans)[number]): Record<string, string[]> | null => {
    const scopes: Record<string, string[]> = {};
    for (const link of plan.apis) {
      if (link.routes.length === 0) continue;
      const byName = routeIdsByName.get(link.apiId);
      const ids: string[] = [];
      for (const name of link.routes) {
        const id = byName?.get(name);
        if (id === undefined)
          planIssues.push(
            `plans.${plan.name}: the plan includes route ${name} of API ${apis.find((a) => a.id === link.apiId)?.name ?? link.apiId}, which has no route of that name any more`,
          );
        else ids.push(id);
      }
      if (ids.length > 0) scopes[link.apiId] = ids.sort();
    }
    return Object.keys(scopes).length > 0 ? scopes : null;
  };
  const planScopes = new Map(plans.map((p) => [p.id, routeScopesOf(p)]));
  if (mcpIssues.length > 0 || planIssues.length > 0)
    return { ok: false, issues: [...mcpIssues, ...planIssues] };

  const raw = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    registries: registries.sort(byName).map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      address: r.address,
      options: asObject(r.options),
      hasCredentials: r.credentialsSealed !== null,
      ...(r.credentialsSealed === null
        ? {}
        : { credentialsFingerprint: credentialsFingerprint(r.credentialsSealed) }),
    })),
    services: services.sort(byName).map((s) => ({
      ...asObject(s.settings),
      id: s.id,
      name: s.name,
      targets: s.targets,
      discovery: discoveryOf(s.registryId, s.registry?.name ?? null, s.discovery),
    })),
    apis: apis.sort(byName).map((a) => ({
      id: a.id,
      name: a.name,
      slug: a.slug,
      version: a.version,
      basePath: a.basePath,
      hosts: a.hosts,
      stripBasePath: a.stripBasePath,
      serviceId: a.serviceId,
      auth: a.auth,
      ...jwtSecretFingerprintOf(a.auth, secretFingerprints),
      routes: a.routes.map((r) => ({
        id: r.id,
        ...(r.name === null ? {} : { name: r.name }),
        methods: r.methods,
        path: r.path,
        ...(r.aggregate === null ? {} : { aggregate: r.aggregate }),
      })),
      policies: asObject(a.policies),
      ...(mcpByApi.has(a.id) ? { mcp: mcpByApi.get(a.id) } : {}),
      ...openApiOf(a.policies, a.openApiDocument),
      // Left out when empty so APIs without tags hash as they did before tags existed.
      ...(a.tags.length === 0 ? {} : { tags: a.tags }),
    })),
    plans: plans.sort(byName).map((p) => ({
      id: p.id,
      name: p.name,
      apiIds: p.apis.map((link) => link.apiId).sort(),
      // Left out for plans that include whole APIs, so their snapshots hash as before.
      ...(planScopes.get(p.id) ? { routeIds: planScopes.get(p.id) } : {}),
      rateLimit: p.rateLimit,
      quota: p.quota,
      redisFailurePolicy: p.redisFailurePolicy,
    })),
    // Left out when empty so drafts without certificates hash as they did before TLS existed.
    // Private keys never enter a snapshot: gateways receive them as secrets.tlsKeys.
    ...(certificates.length === 0
      ? {}
      : {
          certificates: certificates.sort(byName).map((c) => ({
            id: c.id,
            name: c.name,
            hosts: c.hosts,
            certPem: c.certPem,
            keyFingerprint: sealedFingerprint(c.keySealed),
          })),
        }),
  };

  const parsed = ZConfigSnapshot.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  return { ok: true, snapshot: parsed.data, hash: snapshotHash(parsed.data) };
}

/**
 * The MCP endpoint and tools of an enabled API, derived from its OpenAPI document here, at
 * publish, so gateways only compile argument validators; null when MCP is off.
 */
function mcpOf(api: {
  basePath: string;
  mcp: Prisma.JsonValue | null;
  openApiDocument: string | null;
}): SnapshotMcp | { issue: string } | null {
  if (api.mcp === null) return null;
  const settings = ZMcpSettings.safeParse(api.mcp);
  if (!settings.success) return { issue: `mcp: ${formatIssues(settings.error).join('; ')}` };
  if (!settings.data.enabled) return null;
  const { path, include, exclude, upstreamPath } = settings.data;
  if (settings.data.source === 'upstream') {
    if (Object.keys(settings.data.tools).length > 0)
      return {
        issue: 'mcp.tools: renaming tools is for OpenAPI tools; an MCP upstream names its own',
      };
    return { path, tools: [], upstream: { path: upstreamPath, include, exclude } };
  }
  if (api.openApiDocument === null)
    return {
      issue:
        "mcp: MCP tools are made from the API's OpenAPI document, and this API has none; import one (or set openapi in the file), set source: upstream for an MCP server, or disable MCP",
    };
  const tools = mcpToolsFromOpenApi(api.openApiDocument, settings.data);
  if (!tools.ok) return { issue: tools.issue };
  return { path: settings.data.path, tools: tools.tools };
}

/**
 * The parsed OpenAPI document of an API that validates requests; nothing otherwise, so APIs
 * without validation hash as before. A document that does not parse is left out, and the
 * snapshot schema then names the API.
 */
function openApiOf(
  policies: Prisma.JsonValue,
  document: string | null,
): { openApi?: Record<string, unknown> } {
  if (asObject(policies).validation === undefined || document === null) return {};
  try {
    const parsed: unknown = parseYaml(document, { maxAliasCount: 100 });
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? { openApi: parsed as Record<string, unknown> }
      : {};
  } catch {
    return {};
  }
}

/** The fingerprint of the secret an API's jwt auth references, so rotating it changes the draft. */
function jwtSecretFingerprintOf(
  auth: Prisma.JsonValue,
  fingerprints: ReadonlyMap<string, string>,
): { jwtSecretFingerprint?: string } {
  const ref = jwtSecretRefOf(auth);
  const fingerprint = ref === null ? undefined : fingerprints.get(ref);
  return fingerprint === undefined ? {} : { jwtSecretFingerprint: fingerprint };
}

/** A digest of the sealed (encrypted) credentials: changes with them, says nothing about them. */
function credentialsFingerprint(sealed: string): string {
  return createHash('sha256').update(sealed).digest('hex').slice(0, 16);
}

function discoveryOf(
  registryId: string | null,
  registryName: string | null,
  stored: Prisma.JsonValue | null,
): (DiscoveryRef & { registryId: string }) | Record<string, unknown> | null {
  if (registryId === null || registryName === null || stored === null) return null;
  const parsed = ZStoredDiscovery.safeParse(stored);
  // An unreadable stored reference is passed through as is, so the snapshot schema reports it
  // with its path instead of it silently disappearing from the published config.
  if (!parsed.success) return { ...asObject(stored), registry: registryName, registryId };
  return { ...parsed.data, registry: registryName, registryId };
}
