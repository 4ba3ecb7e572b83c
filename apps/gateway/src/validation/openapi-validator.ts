import type { IncomingHttpHeaders } from 'node:http';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One reason a request does not match the API's OpenAPI document. */
export interface Violation {
  /** JSON pointer into the request: `/path/petId`, `/query/limit`, `/header/api_key`, `/body/name`. */
  pointer: string;
  message: string;
}

type Location = 'path' | 'query' | 'header';

interface CompiledParameters {
  readonly names: readonly string[];
  /** Query parameters whose schema is an array (form style, exploded: `?tag=a&tag=b`). */
  readonly arrays: ReadonlySet<string>;
  readonly validate: ValidateFunction;
}

interface CompiledOperation {
  readonly segments: readonly (string | null)[];
  /** For `{name}` segments: the parameter name at each index (null for literal segments). */
  readonly pathNames: readonly (string | null)[];
  readonly path: CompiledParameters | null;
  readonly query: CompiledParameters | null;
  readonly header: CompiledParameters | null;
  /** JSON body schema, when the operation declares an `application/json` request body. */
  readonly body: ValidateFunction | null;
  readonly bodyRequired: boolean;
  /** Media types the request body may use; empty when the operation declares no body. */
  readonly mediaTypes: readonly string[];
  readonly response: ReadonlyMap<string, ValidateFunction>;
}

/** The operation a request matched, with the values its path template captured. */
export interface OperationMatch {
  readonly operation: CompiledOperation;
  readonly pathValues: Record<string, string>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isJsonMediaType(mediaType: string): boolean {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || base.endsWith('+json');
}

/**
 * An API's OpenAPI 3.0/3.1 document compiled into ajv validators, once per config version: every
 * parameter location and JSON request body of every operation becomes one validate function, so
 * a request runs compiled code only. Throws with a message naming the operation when a schema
 * does not compile; the config apply then refuses the version.
 */
export class OpenApiValidator {
  private readonly byMethod = new Map<string, CompiledOperation[]>();

  constructor(document: Record<string, unknown>) {
    const version = typeof document.openapi === 'string' ? document.openapi : '';
    if (!/^3\.[01]\./.test(version))
      throw new Error(`only OpenAPI 3.0 and 3.1 documents are supported (found "${version}")`);
    const options: Options = {
      // OpenAPI schemas carry keywords JSON Schema does not know (example, xml, discriminator...).
      strict: false,
      allErrors: true,
      coerceTypes: 'array',
      validateSchema: false,
    };
    const ajv = withFormats(version.startsWith('3.1.') ? new Ajv2020(options) : new Ajv(options));
    const components = isObject(document.components) ? document.components : {};
    // Each compiled schema carries the document's components beside it so `#/components/...`
    // references resolve as they do in the document.
    const compile = (schema: Record<string, unknown>, where: string): ValidateFunction => {
      try {
        return ajv.compile({ ...schema, components });
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    };
    // Bodies are parsed JSON: no coercion there, a string "7" is not the integer 7.
    const bodyAjv = withFormats(
      version.startsWith('3.1.')
        ? new Ajv2020({ ...options, coerceTypes: false })
        : new Ajv({ ...options, coerceTypes: false }),
    );
    const compileBody = (schema: Record<string, unknown>, where: string): ValidateFunction => {
      try {
        return bodyAjv.compile({ ...schema, components });
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    };
    const resolve = (value: unknown): unknown => {
      if (!isObject(value) || typeof value.$ref !== 'string') return value;
      const ref = value.$ref;
      if (!ref.startsWith('#/')) return value;
      let node: unknown = document;
      for (const part of ref.slice(2).split('/'))
        node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      return node;
    };

    const paths = isObject(document.paths) ? document.paths : {};
    for (const [template, pathItemRaw] of Object.entries(paths)) {
      const pathItem = resolve(pathItemRaw);
      if (!isObject(pathItem)) continue;
      const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
      for (const method of METHODS) {
        const op = pathItem[method];
        if (!isObject(op)) continue;
        const where = `${method.toUpperCase()} ${template}`;
        const own = Array.isArray(op.parameters) ? op.parameters : [];
        // Operation parameters override path-item ones with the same name and location.
        const params = new Map<string, Record<string, unknown>>();
        for (const raw of [...shared, ...own]) {
          const p = resolve(raw);
          if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
          params.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p);
        }
        const location = (loc: Location): CompiledParameters | null => {
          const properties: Record<string, unknown> = {};
          const required: string[] = [];
          const arrays = new Set<string>();
          for (const p of params.values()) {
            if (p.in !== loc) continue;
            const name = loc === 'header' ? (p.name as string).toLowerCase() : (p.name as string);
            const schema = isObject(p.schema) ? p.schema : {};
            properties[name] = schema;
            if (p.required === true || loc === 'path') required.push(name);
            const resolved = resolve(schema);
            if (isObject(resolved) && resolved.type === 'array') arrays.add(name);
          }
          const names = Object.keys(properties);
          if (names.length === 0) return null;
          return {
            names,
            arrays,
            validate: compile({ type: 'object', properties, required }, `${where} ${loc}`),
          };
        };
        let body: ValidateFunction | null = null;
        let bodyRequired = false;
        let mediaTypes: string[] = [];
        const requestBody = resolve(op.requestBody);
        if (isObject(requestBody) && isObject(requestBody.content)) {
          bodyRequired = requestBody.required === true;
          mediaTypes = Object.keys(requestBody.content).map((m) => m.toLowerCase());
          for (const [mediaType, media] of Object.entries(requestBody.content)) {
            if (isJsonMediaType(mediaType) && isObject(media) && isObject(media.schema)) {
              body = compileBody(media.schema, `${where} request body`);
              break;
            }
          }
        }
        const response = new Map<string, ValidateFunction>();
        const responses = isObject(op.responses) ? op.responses : {};
        for (const [status, rawResponse] of Object.entries(responses)) {
          const r = resolve(rawResponse);
          if (!isObject(r) || !isObject(r.content)) continue;
          for (const [mediaType, media] of Object.entries(r.content)) {
            if (isJsonMediaType(mediaType) && isObject(media) && isObject(media.schema)) {
              response.set(
                status.toUpperCase(),
                compileBody(media.schema, `${where} response ${status}`),
              );
              break;
            }
          }
        }
        const parts = template.split('/').slice(1);
        const compiled: CompiledOperation = {
          segments: parts.map((s) => (/^\{[^}]+\}$/.test(s) ? null : s)),
          pathNames: parts.map((s) => (/^\{[^}]+\}$/.test(s) ? s.slice(1, -1) : null)),
          path: location('path'),
          query: location('query'),
          header: location('header'),
          body,
          bodyRequired,
          mediaTypes,
          response,
        };
        const upper = method.toUpperCase();
        let list = this.byMethod.get(upper);
        if (list === undefined) {
          list = [];
          this.byMethod.set(upper, list);
        }
        list.push(compiled);
      }
    }
    // Literal segments win over templated ones (`/pets/mine` before `/pets/{petId}`).
    for (const list of this.byMethod.values()) list.sort((a, b) => templated(a) - templated(b));
  }

  /** The operation for a method and a path below the API's base path, or null. */
  match(method: string, relativePath: string): OperationMatch | null {
    const list = this.byMethod.get(method === 'HEAD' ? 'GET' : method);
    if (list === undefined) return null;
    const parts = relativePath.split('/').slice(1);
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    outer: for (const operation of list) {
      if (operation.segments.length !== parts.length) continue;
      for (let i = 0; i < parts.length; i++) {
        const literal = operation.segments[i];
        if (literal !== null && literal !== parts[i]) continue outer;
        if (literal === null && parts[i] === '') continue outer;
      }
      const pathValues: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const name = operation.pathNames[i];
        if (name != null) pathValues[name] = safeDecode(parts[i] as string);
      }
      return { operation, pathValues };
    }
    return null;
  }

  /** Violations of the path, query and header parameters (empty when they all conform). */
  checkParameters(
    match: OperationMatch,
    query: string,
    headers: IncomingHttpHeaders,
    out: Violation[],
  ): void {
    const op = match.operation;
    if (op.path !== null) run(op.path.validate, match.pathValues, '/path', out);
    if (op.query !== null) {
      const params = new URLSearchParams(query);
      const values: Record<string, unknown> = {};
      for (const name of op.query.names) {
        if (op.query.arrays.has(name)) {
          const all = params.getAll(name);
          if (all.length > 0) values[name] = all;
        } else {
          const one = params.get(name);
          if (one !== null) values[name] = one;
        }
      }
      run(op.query.validate, values, '/query', out);
    }
    if (op.header !== null) {
      const values: Record<string, unknown> = {};
      for (const name of op.header.names) {
        const value = headers[name];
        if (value !== undefined) values[name] = value;
      }
      run(op.header.validate, values, '/header', out);
    }
  }

  /** Whether this request's body must be read and checked before it is forwarded. */
  needsBody(match: OperationMatch, contentType: string | undefined, hasBody: boolean): boolean {
    return match.operation.body !== null && hasBody && isJsonMediaType(contentType ?? '');
  }

  /**
   * Violations of the request body's presence and media type that need no body bytes: a missing
   * required body, or a media type the operation does not accept.
   */
  checkBodyEnvelope(
    match: OperationMatch,
    contentType: string | undefined,
    hasBody: boolean,
    out: Violation[],
  ): void {
    const op = match.operation;
    if (!hasBody) {
      if (op.bodyRequired) out.push({ pointer: '/body', message: 'a request body is required' });
      return;
    }
    if (op.mediaTypes.length === 0) return;
    const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const accepted = op.mediaTypes.some(
      (m) => m === base || m === '*/*' || (m.endsWith('/*') && base.startsWith(m.slice(0, -1))),
    );
    if (!accepted)
      out.push({
        pointer: '/header/content-type',
        message: `content type "${base}" is not one of ${op.mediaTypes.join(', ')}`,
      });
  }

  /** Violations of a complete JSON request body. */
  checkBody(match: OperationMatch, raw: Buffer, out: Violation[]): void {
    const validate = match.operation.body;
    if (validate === null) return;
    runOnJson(validate, raw, '/body', out);
  }

  /** Violations of a JSON response body against the operation's response for that status. */
  checkResponse(match: OperationMatch, status: number, raw: Buffer, out: Violation[]): void {
    const responses = match.operation.response;
    const validate =
      responses.get(String(status)) ??
      responses.get(`${Math.floor(status / 100)}XX`) ??
      responses.get('DEFAULT');
    if (validate === undefined) return;
    runOnJson(validate, raw, '/response', out);
  }
}

/** JSON Schema formats (ajv-formats) plus the ones OpenAPI adds for numbers and strings. */
function withFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -2_147_483_648 && n <= 2_147_483_647,
  });
  // JSON numbers past 2^53 already lost precision when parsed: any integer is accepted.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  for (const name of ['byte', 'binary', 'password']) ajv.addFormat(name, true);
  return ajv;
}

function templated(op: CompiledOperation): number {
  let n = 0;
  for (const s of op.segments) if (s === null) n++;
  return n;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Runs `validate` on a JSON body, or reports that the body is not JSON at all. */
function runOnJson(
  validate: ValidateFunction,
  raw: Buffer,
  pointer: string,
  out: Violation[],
): void {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    out.push({ pointer, message: `not valid JSON: ${(error as Error).message}` });
    return;
  }
  run(validate, value, pointer, out);
}

function run(validate: ValidateFunction, value: unknown, prefix: string, out: Violation[]): void {
  if (validate(value)) return;
  for (const error of validate.errors ?? []) out.push(violationOf(error, prefix));
}

function violationOf(error: ErrorObject, prefix: string): Violation {
  // A missing required property points at the property itself, not its parent object.
  const missing =
    error.keyword === 'required'
      ? (error.params as { missingProperty?: string }).missingProperty
      : undefined;
  const pointer =
    missing === undefined
      ? `${prefix}${error.instancePath}`
      : `${prefix}${error.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return { pointer, message: error.message ?? error.keyword };
}
