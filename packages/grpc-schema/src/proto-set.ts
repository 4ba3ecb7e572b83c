import protobuf from 'protobufjs';

/** How one HTTP request maps onto a method, from its `google.api.http` annotation. */
export interface HttpBinding {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path template, e.g. `/v1/users/{id}` or `/v1/{name=shelves/*}`. */
  readonly pattern: string;
  /** `*` for the whole message, a field name for one field, null for no body. */
  readonly body: string | null;
}

/** One RPC of the schema, with everything a call needs resolved. */
export interface GrpcMethod {
  /** `package.Service`, without a leading dot. */
  readonly service: string;
  readonly name: string;
  /** The HTTP/2 path a gRPC call uses: `/package.Service/Method`. */
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly bindings: readonly HttpBinding[];
}

export type ProtoSet =
  | { readonly ok: true; readonly root: protobuf.Root; readonly methods: readonly GrpcMethod[] }
  | { readonly ok: false; readonly message: string };

/**
 * Imports every schema may use without shipping them: protobuf's well-known types (bundled with
 * protobufjs) and the HTTP annotation files, whose option values are read as parsed and need no
 * declarations.
 */
const ANNOTATION_IMPORTS = new Set(['google/api/annotations.proto', 'google/api/http.proto']);

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Parses and links a set of proto sources (file name → source). Every import must be one of the
 * files, a well-known type or a `google/api` annotation file. A failure returns the compiler's
 * message, naming the file and line, so an operator can fix the file.
 */
export function compileProtoSet(files: Readonly<Record<string, string>>): ProtoSet {
  const names = Object.keys(files);
  if (names.length === 0)
    return { ok: false, message: 'a gRPC service needs at least one proto file' };
  const root = new protobuf.Root();
  const loadedCommon = new Set<string>();
  try {
    for (const name of names.sort()) {
      // protobufjs names the file in its messages from this static (it is not a parse option).
      (protobuf.parse as unknown as { filename: string | null }).filename = name;
      const parsed = protobuf.parse(files[name] ?? '', root, {
        keepCase: false,
        alternateCommentMode: false,
      });
      const imports = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
      for (const imported of imports) {
        if (imported in files || ANNOTATION_IMPORTS.has(imported)) continue;
        const common = protobuf.common.get(imported);
        if (common === null || common === undefined) {
          return {
            ok: false,
            message: `${name}: imports ${imported}, which is neither among the uploaded proto files nor a well-known type`,
          };
        }
        if (!loadedCommon.has(imported)) {
          loadedCommon.add(imported);
          root.addJSON(common.nested ?? {});
        }
      }
    }
    root.resolveAll();
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return protoSetOf(root, 'the proto files declare no service with a method');
}

/** The methods of a resolved root, or the refusal `none` when it declares none. */
export function protoSetOf(root: protobuf.Root, none: string): ProtoSet {
  const methods: GrpcMethod[] = [];
  collectMethods(root, methods);
  if (methods.length === 0) return { ok: false, message: none };
  return { ok: true, root, methods };
}

function collectMethods(namespace: protobuf.NamespaceBase, out: GrpcMethod[]): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) {
      const service = nested.fullName.replace(/^\./, '');
      for (const method of nested.methodsArray) {
        method.resolve();
        const requestType = method.resolvedRequestType;
        const responseType = method.resolvedResponseType;
        if (requestType === null || responseType === null) continue;
        out.push({
          service,
          name: method.name,
          path: `/${service}/${method.name}`,
          requestType,
          responseType,
          requestStream: method.requestStream === true,
          responseStream: method.responseStream === true,
          bindings: httpBindings(method),
        });
      }
    } else if (nested instanceof protobuf.Namespace) {
      collectMethods(nested, out);
    }
  }
}

type ParsedRule = Partial<Record<(typeof HTTP_VERBS)[number] | 'body', unknown>> & {
  additional_bindings?: unknown;
  additionalBindings?: unknown;
};

/** The method's `google.api.http` rule and its additional bindings, as HTTP bindings. */
function httpBindings(method: protobuf.Method): HttpBinding[] {
  const bindings: HttpBinding[] = [];
  for (const option of method.parsedOptions ?? []) {
    const rule = (option as Record<string, unknown>)['(google.api.http)'];
    if (rule === undefined || rule === null || typeof rule !== 'object') continue;
    addRule(rule as ParsedRule, bindings);
    const extra =
      (rule as ParsedRule).additional_bindings ?? (rule as ParsedRule).additionalBindings;
    for (const more of Array.isArray(extra) ? extra : extra ? [extra] : [])
      if (typeof more === 'object' && more !== null) addRule(more as ParsedRule, bindings);
  }
  return bindings;
}

function addRule(rule: ParsedRule, out: HttpBinding[]): void {
  for (const verb of HTTP_VERBS) {
    const pattern = rule[verb];
    if (typeof pattern !== 'string') continue;
    const body = typeof rule.body === 'string' && rule.body !== '' ? rule.body : null;
    out.push({ method: verb.toUpperCase() as HttpBinding['method'], pattern, body });
  }
}
