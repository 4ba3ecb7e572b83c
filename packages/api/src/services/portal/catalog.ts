import { type ApiAuth, ZApiAuth, ZMcpSettings, ZQuota, ZRateLimit } from '@portico/config';
import type { Api, Prisma } from '@portico/db';
import { parse } from 'yaml';
import { PorticoError } from '../shared/domain-errors';
import { parseJsonColumn, parseNullableJsonColumn } from '../shared/json-column';
import { apiGatewayUrl } from './portal-settings';

/**
 * The developer-facing catalogue: listed APIs (visibility `public`) and listed plans (`public`),
 * and nothing else. Every query here filters on listing itself, so a private API or an unlisted
 * plan cannot leak through a relation (a listed plan that also covers a private API shows only
 * its listed APIs).
 */

export interface CatalogAuth {
  type: ApiAuth['type'];
  /** One sentence a developer can act on. */
  description: string;
  /** Headers that may carry the credential, in order of preference. */
  headers: string[];
  queryParam: string | null;
}

export interface CatalogPlanRef {
  id: string;
  name: string;
  approvalRequired: boolean;
}

export interface CatalogApi {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  version: string;
  basePath: string;
  /** Where developers call it: the portal's public gateway URL plus the base path. */
  gatewayUrl: string;
  auth: CatalogAuth;
  tags: string[];
  hasOpenApi: boolean;
  /** The API's MCP endpoint when MCP is enabled for it, else null. */
  mcpEndpoint: string | null;
  plans: CatalogPlanRef[];
  updatedAt: Date;
}

export interface CatalogRoute {
  name: string | null;
  methods: string[];
  path: string;
}

export interface CatalogApiDetail extends CatalogApi {
  routes: CatalogRoute[];
  /** The OpenAPI document as an object (uploaded as JSON or YAML), or null without one. */
  openApi: Record<string, unknown> | null;
}

type ListedApiRow = Api & {
  routes: { name: string | null; methods: string[]; path: string }[];
  plans: { plan: { id: string; name: string; approvalRequired: boolean; public: boolean } }[];
};

const LISTED_API_INCLUDE = {
  routes: { orderBy: { position: 'asc' }, select: { name: true, methods: true, path: true } },
  plans: {
    where: { plan: { public: true } },
    select: { plan: { select: { id: true, name: true, approvalRequired: true, public: true } } },
  },
} as const satisfies Prisma.ApiInclude;

export function describeAuth(auth: ApiAuth): CatalogAuth {
  switch (auth.type) {
    case 'key':
      return {
        type: 'key',
        description: `Send your API key in the x-api-key header or as "Authorization: Bearer <key>"${auth.queryParam ? `, or in the ${auth.queryParam} query parameter` : ''}.`,
        headers: ['x-api-key', 'authorization'],
        queryParam: auth.queryParam ?? null,
      };
    case 'jwt':
      return {
        type: 'jwt',
        description: `Send a JSON Web Token as "Authorization: Bearer <token>"${auth.issuer ? ` issued by ${auth.issuer}` : ''}${auth.audience ? ` for the audience ${auth.audience}` : ''}.`,
        headers: ['authorization'],
        queryParam: null,
      };
    case 'basic':
      return {
        type: 'basic',
        description:
          'Send your app\'s username and password as "Authorization: Basic <base64 of username:password>" (create them on your app\'s page).',
        headers: ['authorization'],
        queryParam: null,
      };
    case 'introspection':
      return {
        type: 'introspection',
        description:
          'Send an OAuth2 access token from the API\'s authorization server as "Authorization: Bearer <token>".',
        headers: ['authorization'],
        queryParam: null,
      };
    case 'anyOf': {
      const methods = auth.methods.map(describeAuth);
      const headers = [...new Set(methods.flatMap((m) => m.headers))];
      return {
        type: 'anyOf',
        description: `Any one of these: ${methods.map((m) => m.description).join(' Or: ')}`,
        headers,
        queryParam: methods.find((m) => m.queryParam !== null)?.queryParam ?? null,
      };
    }
    case 'none':
      return {
        type: 'none',
        description: 'No credentials needed.',
        headers: [],
        queryParam: null,
      };
    case 'signature':
      return {
        type: 'signature',
        description: `Sign each request (HTTP Message Signatures, RFC 9421) with your app's ${auth.algorithms.join(' or ')} signing key, covering ${auth.requiredComponents.join(', ')}${auth.requireContentDigest ? ' and content-digest when there is a body' : ''}; send Signature-Input and Signature (create the key on your app's page).`,
        headers: ['signature-input', 'signature', 'content-digest'],
        queryParam: null,
      };
    case 'mtls':
      return {
        type: 'mtls',
        description: `Call over HTTPS with your app's client certificate (registered on your app's page; matched by ${auth.matchBy}).`,
        headers: [],
        queryParam: null,
      };
    default:
      return auth satisfies never;
  }
}

// Parsed documents keyed by API id and last change, so listing the catalogue does not re-parse
// every document on every request. Bounded: the oldest entry goes first.
const parsedDocuments = new Map<string, Record<string, unknown> | null>();
const MAX_PARSED_DOCUMENTS = 200;

/** The stored OpenAPI text as an object (null when absent or not an object). */
export function parseOpenApi(
  row: Pick<Api, 'id' | 'updatedAt' | 'openApiDocument'>,
): Record<string, unknown> | null {
  if (!row.openApiDocument) return null;
  const cacheKey = `${row.id}@${row.updatedAt.getTime()}`;
  const cached = parsedDocuments.get(cacheKey);
  if (cached !== undefined) return cached;
  let value: unknown = null;
  try {
    // Stored only after validation at upload; YAML 1.2 reads JSON too.
    value = parse(row.openApiDocument, { maxAliasCount: 100 });
  } catch {
    value = null;
  }
  const document =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  if (parsedDocuments.size >= MAX_PARSED_DOCUMENTS) {
    const oldest = parsedDocuments.keys().next();
    if (!oldest.done) parsedDocuments.delete(oldest.value);
  }
  parsedDocuments.set(cacheKey, document);
  return document;
}

/** Tag names declared by the document and used by its operations, sorted. */
function openApiTags(document: Record<string, unknown> | null): string[] {
  if (!document) return [];
  const tags = new Set<string>();
  if (Array.isArray(document.tags)) {
    for (const tag of document.tags) {
      if (typeof tag === 'object' && tag !== null && 'name' in tag && typeof tag.name === 'string')
        tags.add(tag.name);
    }
  }
  const paths = document.paths;
  if (typeof paths === 'object' && paths !== null) {
    for (const item of Object.values(paths)) {
      if (typeof item !== 'object' || item === null) continue;
      for (const operation of Object.values(item)) {
        if (typeof operation !== 'object' || operation === null || !('tags' in operation)) continue;
        const opTags: unknown = operation.tags;
        if (Array.isArray(opTags)) for (const t of opTags) if (typeof t === 'string') tags.add(t);
      }
    }
  }
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/**
 * The MCP endpoint of an API, read from an `mcp: { enabled, path }` setting on the API (its own
 * column, or inside its policies) when MCP is turned on for it.
 */
/** The API's MCP endpoint under its gateway URL, or null when MCP is off for it. */
function mcpEndpoint(row: Api, gatewayUrl: string): string | null {
  const settings = ZMcpSettings.safeParse(row.mcp);
  if (!settings.success || !settings.data.enabled) return null;
  return `${gatewayUrl.replace(/\/$/, '')}${settings.data.path}`;
}

function toCatalogApi(row: ListedApiRow, publicGatewayUrl: string): CatalogApi {
  const gatewayUrl = apiGatewayUrl(publicGatewayUrl, row.basePath);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    version: row.version,
    basePath: row.basePath,
    gatewayUrl,
    auth: describeAuth(parseJsonColumn(ZApiAuth, row.auth, `API ${row.name}: auth`)),
    tags: openApiTags(parseOpenApi(row)),
    hasOpenApi: row.openApiDocument !== null,
    mcpEndpoint: mcpEndpoint(row, gatewayUrl),
    plans: row.plans
      .map((p) => ({ id: p.plan.id, name: p.plan.name, approvalRequired: p.plan.approvalRequired }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    updatedAt: row.updatedAt,
  };
}

export interface CatalogFilter {
  search?: string | undefined;
  tag?: string | undefined;
  version?: string | undefined;
}

/** Listed APIs matching the filter, with every tag and version of the listed APIs for filters. */
export async function listCatalog(
  tx: Prisma.TransactionClient,
  publicGatewayUrl: string,
  filter: CatalogFilter,
): Promise<{ apis: CatalogApi[]; tags: string[]; versions: string[] }> {
  const rows = await tx.api.findMany({
    where: { visibility: 'public' },
    include: LISTED_API_INCLUDE,
    orderBy: { name: 'asc' },
  });
  const all = rows.map((row) => toCatalogApi(row, publicGatewayUrl));
  const search = filter.search?.toLowerCase();
  const tag = filter.tag?.toLowerCase();
  const apis = all.filter(
    (api) =>
      (!search ||
        api.name.toLowerCase().includes(search) ||
        api.slug.toLowerCase().includes(search) ||
        (api.description ?? '').toLowerCase().includes(search)) &&
      (!tag || api.tags.some((t) => t.toLowerCase() === tag)) &&
      (!filter.version || api.version === filter.version),
  );
  return {
    apis,
    tags: [...new Set(all.flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b)),
    versions: [...new Set(all.map((a) => a.version))].sort((a, b) => a.localeCompare(b)),
  };
}

/** One listed API by slug; a private or unknown slug is NOT_FOUND alike. */
export async function getCatalogApi(
  tx: Prisma.TransactionClient,
  publicGatewayUrl: string,
  slug: string,
): Promise<CatalogApiDetail> {
  const row = await tx.api.findFirst({
    where: { slug, visibility: 'public' },
    include: LISTED_API_INCLUDE,
  });
  if (!row) throw new PorticoError('CTL_NOT_FOUND', `slug: no listed API ${slug}`);
  return {
    ...toCatalogApi(row, publicGatewayUrl),
    routes: row.routes.map((r) => ({ name: r.name, methods: r.methods, path: r.path })),
    openApi: parseOpenApi(row),
  };
}

export interface CatalogPlan {
  id: string;
  name: string;
  description: string | null;
  /** {requests, per: second|minute|hour} or null for no rate limit. */
  rateLimit: { requests: number; per: string } | null;
  /** {requests, per: day|month} or null for no quota. */
  quota: { requests: number; per: string } | null;
  approvalRequired: boolean;
  apis: { id: string; slug: string; name: string }[];
}

/** Listed plans side by side, each with its listed APIs only. */
export async function listCatalogPlans(tx: Prisma.TransactionClient): Promise<CatalogPlan[]> {
  const rows = await tx.plan.findMany({
    where: { public: true },
    orderBy: { name: 'asc' },
    include: {
      apis: {
        where: { api: { visibility: 'public' } },
        select: { api: { select: { id: true, slug: true, name: true } } },
      },
    },
  });
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    rateLimit: parseNullableJsonColumn(ZRateLimit, p.rateLimit, `plan ${p.name}: rateLimit`),
    quota: parseNullableJsonColumn(ZQuota, p.quota, `plan ${p.name}: quota`),
    approvalRequired: p.approvalRequired,
    apis: p.apis.map((a) => a.api).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}
