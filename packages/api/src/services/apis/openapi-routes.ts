import { HTTP_METHODS, type HttpMethod, type Route, ZRoutePath } from '@portico/config';
import { parse } from 'yaml';
import { badRequest, PorticoError } from '../shared/domain-errors';

/** Uploaded OpenAPI documents larger than this are refused with PAYLOAD_TOO_LARGE. */
export const MAX_OPENAPI_BYTES = 5 * 1024 * 1024;

export function assertOpenApiSize(document: string): void {
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > MAX_OPENAPI_BYTES) {
    throw new PorticoError(
      'CTL_PAYLOAD_TOO_LARGE',
      `document: the OpenAPI document is ${bytes} bytes; the limit is ${MAX_OPENAPI_BYTES} bytes (5 MB)`,
    );
  }
}

export interface ParsedOpenApi {
  title: string | null;
  /** Path of the first `servers[].url` (OpenAPI 3) or `basePath` (Swagger 2), if any. */
  serverBasePath: string | null;
  routes: Route[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/pets/{petId}` -> `/pets/:petId`; parameter names become identifiers the router accepts. */
function toRoutePath(openApiPath: string): string {
  return openApiPath.replace(
    /\{([^}]*)\}/g,
    (_match, name: string) => `:${name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=\d)/, '_')}`,
  );
}

function serverPath(doc: Record<string, unknown>): string | null {
  if (typeof doc.basePath === 'string' && doc.basePath.startsWith('/'))
    return doc.basePath.replace(/\/+$/, '') || '/';
  const servers = doc.servers;
  if (!Array.isArray(servers) || !isRecord(servers[0]) || typeof servers[0].url !== 'string')
    return null;
  try {
    const path = new URL(servers[0].url, 'http://placeholder.invalid').pathname.replace(/\/+$/, '');
    return path.length > 0 ? path : '/';
  } catch {
    return null;
  }
}

/**
 * Reads an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML) and makes one route per path with
 * the methods it declares. Errors name the part of the document that is wrong.
 */
export function routesFromOpenApi(document: string): ParsedOpenApi {
  let doc: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both; aliases are capped against expansion bombs.
    doc = parse(document, { maxAliasCount: 100 });
  } catch (error) {
    throw badRequest(
      `document: not valid JSON or YAML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})`,
    );
  }
  if (!isRecord(doc)) throw badRequest('document: expected an OpenAPI object at the top level');
  if (typeof doc.openapi !== 'string' && typeof doc.swagger !== 'string') {
    throw badRequest(
      'document.openapi: missing; this does not look like an OpenAPI (or Swagger 2) document',
    );
  }
  if (!isRecord(doc.paths)) throw badRequest('document.paths: missing or not an object');
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isRecord(item)) continue;
    const methods = HTTP_METHODS.filter((m) => isRecord(item[m.toLowerCase()]));
    if (methods.length === 0) continue;
    const routePath = toRoutePath(path);
    const checked = ZRoutePath.safeParse(routePath);
    if (!checked.success) {
      throw badRequest(
        `document.paths[${JSON.stringify(path)}]: ${checked.error.issues[0]?.message ?? 'not a usable route path'}`,
      );
    }
    const operationIds = methods
      .map((m) => item[m.toLowerCase()])
      .filter(isRecord)
      .map((op) => op.operationId)
      .filter((id): id is string => typeof id === 'string');
    routes.push({
      name:
        methods.length === 1 && operationIds.length === 1
          ? operationIds[0]?.slice(0, 100)
          : undefined,
      methods: methods as HttpMethod[],
      path: routePath,
    });
  }
  const info = isRecord(doc.info) ? doc.info : {};
  return {
    title: typeof info.title === 'string' ? info.title : null,
    serverBasePath: serverPath(doc),
    routes,
  };
}
