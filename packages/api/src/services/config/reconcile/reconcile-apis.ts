import type { Prisma } from '@portico/db';
import {
  type ApiInput,
  assertApisRouteApart,
  createApi,
  slugFromName,
  updateApi,
} from '../../apis/apis';
import { PorticoError } from '../../shared/domain-errors';
import { type DeclarativeApiView, routesKey, viewKey } from '../declarative-state';
import { asFileEntity, mustGet, type Run } from './reconcile-run';

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

/**
 * A file entry as the API service takes it (without routes, which are written when changed).
 * Fields named alike in the file and the service pass through as they are, so a field added to
 * the API's base schema reaches the service without a line here.
 */
function apiFields(a: DeclarativeApiView, serviceId: string): Omit<ApiInput, 'routes'> {
  const { service: _service, plugins, openapi, routes: _routes, description, mcp, ...same } = a;
  return {
    ...same,
    description: description ?? null,
    serviceId,
    policies: plugins,
    mcp: mcp ?? null,
    // Absent keeps the stored document (one imported in the console, say).
    openApiDocument: openApiText(openapi),
  };
}

/**
 * Creates and updates the listed APIs. Their routing is checked once all are written (the file
 * was checked as a whole already), so two APIs may exchange base paths in one apply.
 */
export async function upsertApis({ tx, doc, state, changes, ids, now }: Run): Promise<void> {
  const deferred = { deferRoutingCheck: true };
  let written = false;
  for (const a of doc.apis) {
    const current = state.apis.get(a.name);
    const fields = apiFields(a, mustGet(ids.services, a.service, 'service'));
    const where = `apis.${a.name}`;
    if (!current) {
      const slug = await freeSlug(tx, a.name);
      const created = await asFileEntity(where, () =>
        createApi(tx, { ...fields, slug, routes: a.routes }, now, deferred),
      );
      ids.apis.set(a.name, created.id);
      changes.push({ kind: 'api', name: a.name, action: 'create' });
      written = true;
      continue;
    }
    ids.apis.set(a.name, current.id);
    const { openapi, ...view } = a;
    const documentChanged =
      openapi !== undefined && openApiText(openapi) !== current.openApiDocument;
    if (viewKey(view) === viewKey(current.view) && !documentChanged) continue;
    // Routes have no names of their own to match on, so a changed list is replaced whole and
    // an unchanged one keeps its route ids.
    const routes = routesKey(a.routes) === current.routesKey ? {} : { routes: a.routes };
    await asFileEntity(where, () =>
      updateApi(tx, { id: current.id, ...fields, ...routes }, now, deferred),
    );
    changes.push({ kind: 'api', name: a.name, action: 'update' });
    written = true;
  }
  if (written) await asFileEntity('apis', () => assertApisRouteApart(tx));
}
