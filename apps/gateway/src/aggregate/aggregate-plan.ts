import type { Aggregate, SnapshotRoute } from '@portico/config';
import type { CompiledService } from '../config/compiled-config';

/** A piece of a call's path: literal text, or a value filled in per request. */
export type PathPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'param'; readonly segment: number; readonly name: string }
  | { readonly kind: 'query'; readonly name: string }
  | { readonly kind: 'call'; readonly call: number; readonly field: readonly string[] };

export interface CompiledCall {
  readonly name: string;
  readonly service: CompiledService;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: readonly PathPart[];
  readonly timeoutMs: number;
  readonly into: string | null;
  readonly allow: ReadonlySet<string> | null;
  readonly deny: ReadonlySet<string>;
  readonly rename: ReadonlyMap<string, string>;
}

/** A composite route compiled at apply: services resolved, path templates split. */
export interface CompiledAggregate {
  readonly sequential: boolean;
  readonly partial: boolean;
  readonly countPerCall: boolean;
  readonly calls: readonly CompiledCall[];
}

const REF = /\{([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z0-9_.-]+)\}/g;

/**
 * Compiles a route's `aggregate` block. Throws naming the route when a call names an unknown or
 * gRPC service or a route parameter the route path does not have: the version is refused.
 */
export function compileAggregate(
  route: SnapshotRoute,
  aggregate: Aggregate,
  servicesByName: ReadonlyMap<string, CompiledService>,
): CompiledAggregate {
  const where = `route ${route.name ?? route.path}`;
  // Route parameters by name → their segment index in the path below the base path.
  const params = new Map<string, number>();
  route.path
    .split('/')
    .filter((s) => s.length > 0)
    .forEach((segment, index) => {
      if (segment.startsWith(':')) params.set(segment.slice(1), index);
    });
  const callIndex = new Map<string, number>();
  const calls = aggregate.calls.map((call, index): CompiledCall => {
    const service = servicesByName.get(call.service);
    if (service === undefined)
      throw new Error(`${where}: call ${call.name} names unknown service ${call.service}`);
    if (service.grpc !== null)
      throw new Error(
        `${where}: call ${call.name} names gRPC service ${call.service}; aggregate calls reach HTTP services`,
      );
    const path: PathPart[] = [];
    let last = 0;
    for (const match of call.path.matchAll(REF)) {
      const at = match.index ?? 0;
      if (at > last) path.push({ kind: 'text', text: call.path.slice(last, at) });
      const source = match[1] as string;
      const field = match[2] as string;
      if (source === 'params') {
        const segment = params.get(field);
        if (segment === undefined)
          throw new Error(
            `${where}: call ${call.name} uses {params.${field}}, which the route path ${route.path} does not have`,
          );
        path.push({ kind: 'param', segment, name: field });
      } else if (source === 'query') {
        path.push({ kind: 'query', name: field });
      } else {
        const earlier = callIndex.get(source);
        if (earlier === undefined)
          throw new Error(
            `${where}: call ${call.name} uses {${source}.…}, which is not an earlier call`,
          );
        path.push({ kind: 'call', call: earlier, field: field.split('.') });
      }
      last = at + match[0].length;
    }
    if (last < call.path.length) path.push({ kind: 'text', text: call.path.slice(last) });
    callIndex.set(call.name, index);
    return {
      name: call.name,
      service,
      method: call.method,
      path,
      timeoutMs: call.timeoutMs,
      into: call.into ?? null,
      allow: call.allow === undefined ? null : new Set(call.allow),
      deny: new Set(call.deny),
      rename: new Map(Object.entries(call.rename)),
    };
  });
  return {
    sequential: aggregate.mode === 'sequential',
    partial: aggregate.onPartialFailure === 'partial',
    countPerCall: aggregate.countAs === 'perCall',
    calls,
  };
}
