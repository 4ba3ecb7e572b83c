import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { routeRows, slugFromName } from '../../apis/apis';
import { PorticoError } from '../../shared/domain-errors';
import { type DeclarativeApiView, routesKey, viewKey } from '../declarative-state';
import { jsonOrDbNull, mustGet, type Run } from './reconcile-run';

/** The document text stored for an `openapi` entry: text as given, an inline object as JSON. */
function openApiText(openapi: DeclarativeApiView['openapi']): string | undefined {
  if (openapi === undefined) return undefined;
  return typeof openapi === 'string' ? openapi : JSON.stringify(openapi);
}

async function freeSlug(tx: Prisma.TransactionClient, name: string): Promise<string> {
  const base = slugFromName(name);
  // Bounded: names are unique, so only hand-made slugs can collide, and never 100 times.
  for (let attempt = 1; attempt <= 100; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    const taken = await tx.api.findUnique({ where: { slug: candidate }, select: { id: true } });
    if (!taken) return candidate;
  }
  throw new PorticoError('CTL_CONFLICT', `apis: no free slug for API ${name}`);
}

function apiData(a: DeclarativeApiView, serviceId: string) {
  return {
    name: a.name,
    description: a.description ?? null,
    version: a.version,
    basePath: a.basePath,
    hosts: a.hosts,
    serviceId,
    stripBasePath: a.stripBasePath,
    visibility: a.visibility,
    auth: a.auth as Prisma.InputJsonValue,
    policies: a.plugins as Prisma.InputJsonValue,
    mcp: jsonOrDbNull(a.mcp),
    // Absent keeps the stored document (one imported in the console, say).
    ...(a.openapi === undefined ? {} : { openApiDocument: openApiText(a.openapi) }),
  };
}

export async function upsertApis({ tx, doc, state, changes, ids, now }: Run): Promise<void> {
  for (const a of doc.apis) {
    const current = state.apis.get(a.name);
    const data = apiData(a, mustGet(ids.services, a.service, 'service'));
    let apiId: string;
    if (!current) {
      apiId = newId('api');
      await tx.api.create({ data: { id: apiId, slug: await freeSlug(tx, a.name), ...data } });
      changes.push({ kind: 'api', name: a.name, action: 'create' });
    } else {
      apiId = current.id;
      const { openapi, ...view } = a;
      const documentChanged =
        openapi !== undefined && openApiText(openapi) !== current.openApiDocument;
      if (viewKey(view) !== viewKey(current.view) || documentChanged) {
        await tx.api.update({ where: { id: apiId }, data });
        changes.push({ kind: 'api', name: a.name, action: 'update' });
      }
    }
    ids.apis.set(a.name, apiId);
    if (current && routesKey(a.routes) === current.routesKey) continue;
    // Routes have no names of their own to match on, so a changed list is replaced whole.
    await tx.route.deleteMany({ where: { apiId } });
    await tx.route.createMany({ data: routeRows(apiId, a.routes, now) });
  }
}
