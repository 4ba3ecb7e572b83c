import type { IncomingMessage } from 'node:http';
import {
  type HttpMatch,
  isRepeatedPath,
  messageFromJson,
  scalarFromText,
} from '@portico/grpc-schema';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { bodyTooLargeDetail } from '../proxy/request-limits';

type RequestType = HttpMatch['route']['method']['requestType'];

/** Why a request could not become a gRPC message: the problem to answer with. */
export type RequestRefusal = { code: GatewayErrorCode; detail: string };

const EMPTY = Buffer.alloc(0);

/** Reads the whole request body, up to `limit` bytes, and hands it (or the refusal) to `done`. */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (error: RequestRefusal | null, body: Buffer) => void,
): void {
  if (
    req.complete &&
    req.readableLength === 0 &&
    req.headers['content-length'] === undefined &&
    req.headers['transfer-encoding'] === undefined
  ) {
    done(null, Buffer.alloc(0));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) over = true;
    else chunks.push(chunk);
  });
  req.once('end', () =>
    over
      ? done({ code: 'GW_PAYLOAD_TOO_LARGE', detail: bodyTooLargeDetail(limit) }, EMPTY)
      : done(null, Buffer.concat(chunks)),
  );
  req.once('error', () =>
    done({ code: 'GW_BAD_REQUEST', detail: 'the request body could not be read' }, EMPTY),
  );
}

/** Sets `value` at a dotted field path (`a.b`), creating the objects on the way. */
function setPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
  repeated: boolean,
): void {
  const parts = path.split('.');
  let current = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = current[part];
    if (typeof next === 'object' && next !== null && !Array.isArray(next))
      current = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      current[part] = created;
      current = created;
    }
  }
  const last = parts[parts.length - 1] as string;
  if (!repeated) current[last] = value;
  else {
    const existing = current[last];
    if (Array.isArray(existing)) existing.push(value);
    else current[last] = [value];
  }
}

function fieldExists(type: RequestType, path: string): boolean {
  const first = path.split('.')[0] ?? '';
  return (
    type.fields[first] !== undefined ||
    type.fields[first.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] !== undefined
  );
}

/** What the protobuf request is built from: the matched binding, the JSON body and the query. */
export interface GrpcRequestSource {
  readonly match: HttpMatch;
  readonly body: Buffer;
  readonly query: string;
}

/**
 * JSON → protobuf: the body (whole, or into the field the binding names), query parameters
 * naming fields, then path parameters, encoded as the method's request message.
 */
export function encodeGrpcRequest(
  source: GrpcRequestSource,
): { ok: true; bytes: Buffer } | { ok: false; detail: string } {
  const { match, body, query } = source;
  const route = match.route;
  const type = route.method.requestType;
  let object: Record<string, unknown> = {};
  if (route.body !== null && body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, detail: 'the request body is not valid JSON' };
    }
    if (route.body === '*') {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return { ok: false, detail: `the request body must be a JSON object (${type.name})` };
      object = parsed as Record<string, unknown>;
    } else object[route.body] = parsed;
  }
  if (route.body !== '*' && query.length > 0) {
    for (const [name, value] of new URLSearchParams(query)) {
      // Parameters naming no field (an API key parameter, say) are left out.
      if (!fieldExists(type, name)) continue;
      setPath(object, name, scalarFromText(type, name, value), isRepeatedPath(type, name));
    }
  }
  for (const [name, value] of match.params)
    setPath(object, name, scalarFromText(type, name, value), false);
  const decoded = messageFromJson(type, object);
  if (!decoded.ok)
    return {
      ok: false,
      detail: `the request does not fit ${type.fullName.slice(1)}: ${decoded.detail}`,
    };
  return { ok: true, bytes: Buffer.from(type.encode(decoded.message).finish()) };
}
