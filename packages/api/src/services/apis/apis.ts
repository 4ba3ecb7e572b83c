import {
  describeCollision,
  findApiCollisions,
  type McpSettings,
  type Route,
} from '@portico/config';
import { DbNull, type Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { assertJwtSecretExists } from '../secrets/secret-refs';
import { badRequest, conflict, notFound } from '../shared/domain-errors';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';
import { API_INCLUDE, type ApiPlacement, type ApiView, toApiView } from './api-view';
import { assertClientCasUsable } from './client-certificate-cas';
import { mcpToolsFromOpenApi } from './openapi-tools';

/** Serialises API writes so two concurrent writes cannot both pass the collision check. */
const API_ROUTING_LOCK_KEY = 7_413_220_201;

export async function listApis(tx: Prisma.TransactionClient, search?: string): Promise<ApiView[]> {
  const rows = await tx.api.findMany({
    where: search
      ? {
          OR: [
            { name: { contains: search, mode: 'insensitive' } },
            { basePath: { contains: search, mode: 'insensitive' } },
            { description: { contains: search, mode: 'insensitive' } },
          ],
        }
      : undefined,
    orderBy: { name: 'asc' },
    include: API_INCLUDE,
  });
  return rows.map(toApiView);
}

/** One page of APIs by name, those whose name, base path or description holds `search`. */
export async function pageApis(
  tx: Prisma.TransactionClient,
  input: PageInput & { search?: string | undefined },
): Promise<Page<ApiView>> {
  const where: Prisma.ApiWhereInput = {
    OR: textSearch(input.search, ['name', 'basePath', 'description']),
  };
  return pageOf(input, {
    find: (window) =>
      tx.api.findMany({
        where,
        orderBy: byName(),
        include: API_INCLUDE,
        ...window,
      }),
    count: () => tx.api.count({ where }),
    view: toApiView,
  });
}

export async function getApi(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<ApiView & { openApiDocument: string | null }> {
  const row = await tx.api.findUnique({ where: { id }, include: API_INCLUDE });
  if (!row) throw notFound('API', id);
  return { ...toApiView(row), openApiDocument: row.openApiDocument };
}

/** `Payments API` -> `payments-api`. */
export function slugFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug.slice(0, 100) : 'api';
}

export interface ApiInput extends ApiPlacement {
  slug?: string | undefined;
  description?: string | null | undefined;
  routes: Route[];
  openApiDocument?: string | undefined;
  mcp?: McpSettings | null | undefined;
  tags?: string[] | undefined;
}

/**
 * Refuses MCP settings that cannot make tools from the API's document (none stored, or
 * `include`/`exclude`/`tools` naming operations it does not have), so the mistake shows on
 * the form instead of at the next publish.
 */
function assertMcpUsable(mcp: McpSettings | null | undefined, document: string | null): void {
  if (!mcp?.enabled || mcp.source === 'upstream') return;
  if (document === null)
    throw badRequest(
      "mcp: MCP tools are made from the API's OpenAPI document, and this API has none; import one first, set source: upstream for an MCP server, or disable MCP",
    );
  const tools = mcpToolsFromOpenApi(document, mcp);
  if (!tools.ok) throw badRequest(tools.issue);
}

function mcpData(mcp: McpSettings | null | undefined) {
  if (mcp === undefined) return undefined;
  return mcp === null ? DbNull : (mcp as unknown as Prisma.InputJsonValue);
}

async function assertUnique(
  tx: Prisma.TransactionClient,
  name: string,
  slug: string,
  exceptId: string | null,
): Promise<void> {
  const byName = await tx.api.findUnique({ where: { name }, select: { id: true } });
  if (byName && byName.id !== exceptId) throw conflict(`name: an API named ${name} already exists`);
  const bySlug = await tx.api.findUnique({ where: { slug }, select: { id: true, name: true } });
  if (bySlug && bySlug.id !== exceptId)
    throw conflict(`slug: API ${bySlug.name} already uses the slug ${slug}`);
}

async function assertServiceExists(tx: Prisma.TransactionClient, serviceId: string): Promise<void> {
  const service = await tx.service.findUnique({ where: { id: serviceId }, select: { id: true } });
  if (!service) throw badRequest(`serviceId: no service with id ${serviceId}`);
}

/** Serialises API writes for the rest of the transaction (see API_ROUTING_LOCK_KEY). */
async function lockApiRouting(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${API_ROUTING_LOCK_KEY}::bigint)`;
}

/** Refuses a base path + host combination another API already answers on, naming both. */
async function assertNoCollision(
  tx: Prisma.TransactionClient,
  candidate: { id: string | null; name: string; basePath: string; hosts: string[] },
): Promise<void> {
  await lockApiRouting(tx);
  const others = await tx.api.findMany({
    where: candidate.id ? { id: { not: candidate.id } } : undefined,
    select: { name: true, basePath: true, hosts: true },
  });
  const collision = findApiCollisions([...others, candidate]).find(
    (c) => c.first === candidate.name || c.second === candidate.name,
  );
  if (collision) throw conflict(`basePath: ${describeCollision(collision)}`);
}

/**
 * Refuses when any two stored APIs answer on the same base path + host, naming both: the check
 * of a batch of API writes made with `deferRoutingCheck`, once they are all written.
 */
export async function assertApisRouteApart(tx: Prisma.TransactionClient): Promise<void> {
  await lockApiRouting(tx);
  const apis = await tx.api.findMany({
    orderBy: { name: 'asc' },
    select: { name: true, basePath: true, hosts: true },
  });
  const [collision] = findApiCollisions(apis);
  if (collision) throw conflict(`basePath: ${describeCollision(collision)}`);
}

export interface ApiWriteOptions {
  /**
   * The caller writes several APIs as one change and calls `assertApisRouteApart` once they are
   * all written, so two APIs exchanging base paths are not refused half-way through.
   */
  deferRoutingCheck?: boolean | undefined;
}

/** Route rows in list order, their ids stamped with `now`; shared with the declarative apply. */
export function routeRows(
  apiId: string,
  routes: readonly Route[],
  now: Date,
): Prisma.RouteCreateManyInput[] {
  return routes.map((route, position) => ({
    id: newId('route', now.getTime()),
    apiId,
    name: route.name ?? null,
    methods: route.methods,
    path: route.path,
    ...(route.aggregate === undefined
      ? {}
      : { aggregate: route.aggregate as unknown as Prisma.InputJsonValue }),
    position,
  }));
}

export async function createApi(
  tx: Prisma.TransactionClient,
  input: ApiInput,
  now: Date,
  options: ApiWriteOptions = {},
): Promise<ApiView> {
  const slug = input.slug ?? slugFromName(input.name);
  assertMcpUsable(input.mcp, input.openApiDocument ?? null);
  await assertUnique(tx, input.name, slug, null);
  await assertServiceExists(tx, input.serviceId);
  await assertJwtSecretExists(tx, input.auth);
  assertClientCasUsable(input.auth, now);
  if (!options.deferRoutingCheck)
    await assertNoCollision(tx, {
      id: null,
      name: input.name,
      basePath: input.basePath,
      hosts: input.hosts,
    });
  const id = newId('api', now.getTime());
  await tx.api.create({
    data: {
      id,
      name: input.name,
      slug,
      description: input.description ?? null,
      version: input.version,
      basePath: input.basePath,
      hosts: input.hosts,
      stripBasePath: input.stripBasePath,
      visibility: input.visibility,
      serviceId: input.serviceId,
      auth: input.auth as unknown as Prisma.InputJsonValue,
      policies: input.policies as unknown as Prisma.InputJsonValue,
      openApiDocument: input.openApiDocument ?? null,
      mcp: mcpData(input.mcp ?? null),
      tags: input.tags ?? [],
    },
  });
  await tx.route.createMany({ data: routeRows(id, input.routes, now) });
  const { openApiDocument: _document, ...api } = await getApi(tx, id);
  return api;
}

export type ApiPatch = { id: string } & Partial<Omit<ApiInput, 'openApiDocument'>>;

/** A patch that also replaces the stored OpenAPI document (the declarative file's `openapi`). */
export type ApiPatchWithDocument = ApiPatch & { openApiDocument?: string | undefined };

/**
 * Updates an API; `routes`, when given, replaces the whole route list in order, and
 * `openApiDocument`, when given, the stored document (MCP settings are checked against it).
 */
export async function updateApi(
  tx: Prisma.TransactionClient,
  patch: ApiPatchWithDocument,
  now: Date,
  options: ApiWriteOptions = {},
): Promise<{ before: ApiView; after: ApiView }> {
  const { openApiDocument: stored, ...before } = await getApi(tx, patch.id);
  // A new document is checked against the MCP settings the API keeps when the patch has none.
  const mcp =
    patch.mcp === undefined && patch.openApiDocument !== undefined ? before.mcp : patch.mcp;
  assertMcpUsable(mcp, patch.openApiDocument ?? stored);
  const name = patch.name ?? before.name;
  const slug = patch.slug ?? before.slug;
  await assertUnique(tx, name, slug, before.id);
  if (patch.serviceId !== undefined) await assertServiceExists(tx, patch.serviceId);
  if (patch.auth !== undefined) {
    await assertJwtSecretExists(tx, patch.auth);
    assertClientCasUsable(patch.auth, now);
  }
  const basePath = patch.basePath ?? before.basePath;
  const hosts = patch.hosts ?? before.hosts;
  if (!options.deferRoutingCheck)
    await assertNoCollision(tx, { id: before.id, name, basePath, hosts });
  await tx.api.update({
    where: { id: before.id },
    data: {
      name,
      slug,
      description: patch.description,
      version: patch.version,
      basePath,
      hosts,
      stripBasePath: patch.stripBasePath,
      visibility: patch.visibility,
      serviceId: patch.serviceId,
      auth: patch.auth === undefined ? undefined : (patch.auth as unknown as Prisma.InputJsonValue),
      policies:
        patch.policies === undefined
          ? undefined
          : (patch.policies as unknown as Prisma.InputJsonValue),
      mcp: mcpData(patch.mcp),
      openApiDocument: patch.openApiDocument,
      tags: patch.tags,
    },
  });
  if (patch.routes !== undefined) {
    await tx.route.deleteMany({ where: { apiId: before.id } });
    await tx.route.createMany({ data: routeRows(before.id, patch.routes, now) });
  }
  const { openApiDocument: _after, ...after } = await getApi(tx, before.id);
  return { before, after };
}

/** Stores a new OpenAPI document on an API and sets (or appends) its routes. */
export async function attachOpenApi(
  tx: Prisma.TransactionClient,
  apiId: string,
  document: string,
  routes: readonly Route[],
  replaceRoutes: boolean,
  now: Date,
): Promise<{ before: ApiView; after: ApiView }> {
  const { openApiDocument: _document, ...before } = await getApi(tx, apiId);
  await tx.api.update({ where: { id: apiId }, data: { openApiDocument: document } });
  if (replaceRoutes) {
    await tx.route.deleteMany({ where: { apiId } });
    await tx.route.createMany({ data: routeRows(apiId, routes, now) });
  } else {
    const offset = before.routes.length;
    await tx.route.createMany({
      data: routeRows(apiId, routes, now).map((r) => ({ ...r, position: r.position + offset })),
    });
  }
  const { openApiDocument: _after, ...after } = await getApi(tx, apiId);
  return { before, after };
}

/** Deletes an API; plans lose it from their list (the join rows cascade). */
export async function deleteApi(tx: Prisma.TransactionClient, id: string): Promise<ApiView> {
  const { openApiDocument: _document, ...before } = await getApi(tx, id);
  await tx.api.delete({ where: { id } });
  return before;
}
