import type { GrpcMethod, HttpBinding } from './proto-set';

/** One HTTP shape that reaches a method: an annotation binding, or the default POST path. */
export interface HttpRoute {
  readonly method: GrpcMethod;
  readonly httpMethod: string;
  readonly pattern: RegExp;
  /** Field paths of the template's variables, in capture-group order. */
  readonly variables: readonly string[];
  /** `*`, a field name, or null: where the JSON body goes. */
  readonly body: string | null;
}

/** A matched request: the method and the field values its path carried. */
export interface HttpMatch {
  readonly route: HttpRoute;
  readonly params: ReadonlyArray<readonly [string, string]>;
}

/**
 * Every method's HTTP routes, compiled once: its `google.api.http` bindings, and always
 * `POST /<package>.<Service>/<Method>` with the whole message as the JSON body.
 */
export class HttpRouteTable {
  private readonly routes: HttpRoute[] = [];

  constructor(methods: readonly GrpcMethod[]) {
    for (const method of methods) {
      for (const binding of method.bindings) this.routes.push(compileBinding(method, binding));
      this.routes.push({
        method,
        httpMethod: 'POST',
        pattern: new RegExp(`^${escapeRegex(method.path)}$`),
        variables: [],
        body: '*',
      });
    }
  }

  match(httpMethod: string, path: string): HttpMatch | null {
    for (const route of this.routes) {
      if (route.httpMethod !== httpMethod) continue;
      const found = route.pattern.exec(path);
      if (found === null) continue;
      const params: Array<readonly [string, string]> = [];
      for (let i = 0; i < route.variables.length; i++) {
        params.push([route.variables[i] as string, decodeURIComponent(found[i + 1] ?? '')]);
      }
      return { route, params };
    }
    return null;
  }

  /** Whether any route answers this path under another HTTP method (405 rather than 404). */
  hasPath(path: string): boolean {
    return this.routes.some((route) => route.pattern.test(path));
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A path template segment pattern (`*`, `**` or literal) as a regular expression. */
function segmentsToRegex(template: string): string {
  return template
    .split('/')
    .map((segment) => (segment === '**' ? '.+' : segment === '*' ? '[^/]+' : escapeRegex(segment)))
    .join('/');
}

/**
 * Compiles `/v1/{name=shelves/*}/books/{book_id}:publish`-style templates: `{field}` captures
 * one segment, `{field=pattern}` what the pattern matches, and a `:verb` suffix stays literal.
 */
function compileBinding(method: GrpcMethod, binding: HttpBinding): HttpRoute {
  const variables: string[] = [];
  let source = '';
  let rest = binding.pattern;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open === -1) {
      source += segmentsToRegex(rest);
      break;
    }
    source += segmentsToRegex(rest.slice(0, open));
    const close = rest.indexOf('}', open);
    if (close === -1)
      throw new Error(`${method.path}: unclosed "{" in HTTP path template ${binding.pattern}`);
    const variable = rest.slice(open + 1, close);
    const eq = variable.indexOf('=');
    const field = eq === -1 ? variable : variable.slice(0, eq);
    const inner = eq === -1 ? '*' : variable.slice(eq + 1);
    variables.push(field);
    source += `(${segmentsToRegex(inner)})`;
    rest = rest.slice(close + 1);
  }
  return {
    method,
    httpMethod: binding.method,
    pattern: new RegExp(`^${source}$`),
    variables,
    body: binding.body,
  };
}
