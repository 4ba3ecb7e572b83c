import {
  HTTP_METHODS,
  type HttpMethod,
  type McpSettings,
  type SnapshotMcpTool,
  ZMcpToolName,
} from '@portico/config';
import { parse } from 'yaml';

type JsonObject = Record<string, unknown>;

export type McpToolsResult = { ok: true; tools: SnapshotMcpTool[] } | { ok: false; issue: string };

/** Deepest `$ref` chain inlined; deeper (or cyclic) references become "any value". */
const MAX_REF_DEPTH = 16;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/components/schemas/Order`); null when it leads nowhere. */
function pointer(doc: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#/')) return null;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(node) && !Array.isArray(node)) return null;
    node = (node as JsonObject)[key];
  }
  return node ?? null;
}

/**
 * An OpenAPI schema as a self-contained JSON Schema: local `$ref`s inlined (a cycle or an
 * external reference becomes `{}`, which accepts anything), OpenAPI 3.0's `nullable` turned into
 * a `null` type.
 */
function toJsonSchema(doc: JsonObject, schema: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(doc, item, seen));
  if (!isRecord(schema)) return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    if (seen.includes(ref) || seen.length >= MAX_REF_DEPTH) return {};
    const target = pointer(doc, ref);
    return isRecord(target) ? toJsonSchema(doc, target, [...seen, ref]) : {};
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'xml' || key === 'externalDocs')
      continue;
    // Keys of `properties` are names, not keywords: only their values are schemas.
    if ((key === 'properties' || key === 'patternProperties') && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toJsonSchema(doc, sub, seen)]),
      );
    } else {
      out[key] = toJsonSchema(doc, value, seen);
    }
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function resolved(doc: JsonObject, value: unknown): JsonObject | null {
  if (isRecord(value) && typeof value.$ref === 'string') {
    const target = pointer(doc, value.$ref);
    return isRecord(target) ? target : null;
  }
  return isRecord(value) ? value : null;
}

/** The JSON media type of a content map (`application/json`, `application/problem+json`, …). */
function jsonSchemaOf(doc: JsonObject, content: unknown): JsonObject | null {
  if (!isRecord(content)) return null;
  const type = Object.keys(content).find((t) => /^application\/([a-z.+-]*\+)?json\b/i.test(t));
  const media = type === undefined ? null : resolved(doc, content[type]);
  const schema = media === null ? null : toJsonSchema(doc, media.schema);
  return isRecord(schema) ? schema : null;
}

/** `getOrder`, or `get_orders_id` for `GET /orders/{id}` without an operationId. */
function defaultToolName(method: string, path: string, operationId: unknown): string {
  const base = typeof operationId === 'string' ? operationId : `${method.toLowerCase()}_${path}`;
  const name = base
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 128);
  return name.length > 0 ? name : method.toLowerCase();
}

interface Operation {
  refs: string[];
  method: HttpMethod;
  path: string;
  pathItem: JsonObject;
  op: JsonObject;
}

function operationsOf(doc: JsonObject): Operation[] {
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase()];
      if (!isRecord(op)) continue;
      const refs = [`${method} ${path}`];
      if (typeof op.operationId === 'string') refs.unshift(op.operationId);
      operations.push({ refs, method, path, pathItem: item, op });
    }
  }
  return operations;
}

/** Parameters of the operation (over those of its path item), with their JSON Schemas. */
function parametersOf(doc: JsonObject, operation: Operation) {
  const byKey = new Map<string, JsonObject>();
  for (const list of [operation.pathItem.parameters, operation.op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = resolved(doc, raw);
      if (param === null || typeof param.name !== 'string' || typeof param.in !== 'string')
        continue;
      byKey.set(`${param.in}:${param.name}`, param);
    }
  }
  return [...byKey.values()];
}

function toolFor(
  doc: JsonObject,
  operation: Operation,
  override: { name?: string | undefined; description?: string | undefined } | undefined,
): SnapshotMcpTool {
  const { op, method, path } = operation;
  const properties: JsonObject = {};
  const required: string[] = [];
  const params: SnapshotMcpTool['params'] = [];
  for (const param of parametersOf(doc, operation)) {
    const location = param.in;
    if (location !== 'path' && location !== 'query' && location !== 'header') continue;
    const name = param.name as string;
    // Swagger 2 puts the schema keywords on the parameter itself.
    const rawSchema = param.schema ?? {
      type: param.type,
      ...(param.format === undefined ? {} : { format: param.format }),
      ...(param.items === undefined ? {} : { items: param.items }),
      ...(param.enum === undefined ? {} : { enum: param.enum }),
    };
    const schema = toJsonSchema(doc, rawSchema);
    properties[name] = {
      ...(isRecord(schema) ? schema : {}),
      ...(typeof param.description === 'string' ? { description: param.description } : {}),
    };
    if (param.required === true || location === 'path') required.push(name);
    params.push({ name, in: location });
  }
  let hasBody = false;
  const requestBody = resolved(doc, op.requestBody);
  const bodySchema = requestBody === null ? null : jsonSchemaOf(doc, requestBody.content);
  if (requestBody !== null) {
    hasBody = true;
    properties.body = {
      ...(bodySchema ?? {}),
      ...(typeof requestBody.description === 'string'
        ? { description: requestBody.description }
        : {}),
    };
    if (requestBody.required === true) required.push('body');
  }

  let outputSchema: JsonObject | undefined;
  const responses = isRecord(op.responses) ? op.responses : {};
  const success = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/i.test(code))
    .sort()[0];
  const response = success === undefined ? null : resolved(doc, responses[success]);
  const responseSchema = response === null ? null : jsonSchemaOf(doc, response.content);
  // MCP output schemas describe an object (structuredContent); arrays and scalars go as text.
  if (responseSchema !== null && (responseSchema.type === 'object' || responseSchema.properties))
    outputSchema = responseSchema;

  const summary = typeof op.summary === 'string' ? op.summary : null;
  const details = typeof op.description === 'string' ? op.description : null;
  const description =
    override?.description ??
    ([summary, details].filter((t): t is string => t !== null).join('\n\n') || undefined);
  return {
    name: override?.name ?? defaultToolName(method, path, op.operationId),
    ...(description === undefined ? {} : { description: description.slice(0, 4000) }),
    operation: operation.refs[0] as string,
    method,
    path,
    params,
    hasBody,
    inputSchema: {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
    },
    ...(outputSchema === undefined ? {} : { outputSchema }),
  };
}

/**
 * The MCP tools of an API: one per OpenAPI operation, filtered by `include`/`exclude` and named
 * as `tools` says. Errors name the setting or operation to fix; nothing is guessed.
 */
export function mcpToolsFromOpenApi(document: string, settings: McpSettings): McpToolsResult {
  let doc: unknown;
  try {
    doc = parse(document, { maxAliasCount: 100 });
  } catch {
    return { ok: false, issue: 'the OpenAPI document is not valid JSON or YAML' };
  }
  if (!isRecord(doc) || !isRecord(doc.paths))
    return { ok: false, issue: 'the OpenAPI document has no paths object' };
  const operations = operationsOf(doc);
  const known = new Set(operations.flatMap((o) => o.refs));
  for (const [field, refs] of [
    ['include', settings.include],
    ['exclude', settings.exclude],
    ['tools', Object.keys(settings.tools)],
  ] as const) {
    const unknown = refs.find((ref) => !known.has(ref));
    if (unknown !== undefined)
      return {
        ok: false,
        issue: `mcp.${field}: the OpenAPI document has no operation ${JSON.stringify(unknown)} (name an operationId or "METHOD /path")`,
      };
  }
  const included = new Set(settings.include);
  const excluded = new Set(settings.exclude);
  const tools: SnapshotMcpTool[] = [];
  const firstByName = new Map<string, string>();
  for (const operation of operations) {
    if (included.size > 0 && !operation.refs.some((r) => included.has(r))) continue;
    if (operation.refs.some((r) => excluded.has(r))) continue;
    const overrideRef = operation.refs.find((r) => settings.tools[r] !== undefined);
    const tool = toolFor(
      doc,
      operation,
      overrideRef === undefined ? undefined : settings.tools[overrideRef],
    );
    if (!ZMcpToolName.safeParse(tool.name).success)
      return { ok: false, issue: `mcp: ${tool.operation} makes an unusable tool name` };
    const earlier = firstByName.get(tool.name);
    if (earlier !== undefined)
      return {
        ok: false,
        issue: `mcp: operations ${earlier} and ${tool.operation} both make a tool named ${tool.name}; rename one under mcp.tools`,
      };
    firstByName.set(tool.name, tool.operation);
    tools.push(tool);
  }
  return { ok: true, tools };
}
