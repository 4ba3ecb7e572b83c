import type { IncomingMessage } from 'node:http';
import type { CredentialConsumer, SnapshotApi } from '@portico/config';
import type { Authenticated } from '../auth/auth-outcome';
import { applyHeaderTransform, type CompiledHeaderTransform } from '../policies/header-transform';
import type { ClientView } from './forwarded-headers';
import { connectionNamedHeaders, HOP_BY_HOP } from './hop-by-hop';
import { nextTraceparent } from './request-identity';

/**
 * Request headers never forwarded as the client sent them: hop-by-hop ones, and those the
 * gateway owns (it sets them itself, or the upstream must not see them).
 */
const STRIPPED_REQUEST_HEADERS = new Set([
  ...HOP_BY_HOP,
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'x-request-id',
  'traceparent',
  'x-consumer-id',
  'x-consumer-name',
  'x-portico-plan',
  'content-length',
  // RFC 9440: only the gateway may tell an upstream which certificate the client presented.
  'client-cert',
  'client-cert-chain',
]);

/** A request forwarded upstream (REST, or an MCP message or tool call): where it came from. */
export interface ForwardedRequest {
  readonly req: Pick<IncomingMessage, 'headers'>;
  readonly requestId: string;
  readonly view: ClientView;
}

/**
 * Tells the upstream where the request came from (X-Forwarded-*, Forwarded, as far as trusted
 * proxies let the gateway see) and which request it is (the request id, the next trace hop).
 */
export function pushForwardingHeaders(headers: string[], forwarded: ForwardedRequest): void {
  const view = forwarded.view;
  headers.push(
    'x-forwarded-for',
    view.xForwardedFor,
    'x-forwarded-proto',
    view.xForwardedProto,
    'x-forwarded-host',
    view.xForwardedHost,
    'forwarded',
    view.forwarded,
    'x-request-id',
    forwarded.requestId,
    'traceparent',
    nextTraceparent(forwarded.req.headers.traceparent),
  );
}

/** Names the authenticated consumer to the upstream. */
export function pushConsumerHeaders(headers: string[], consumer: CredentialConsumer): void {
  headers.push('x-consumer-id', consumer.id, 'x-consumer-name', consumer.name);
}

/** What the upstream request is built from: an admitted exchange. */
export interface UpstreamSource extends ForwardedRequest {
  readonly req: Pick<IncomingMessage, 'headers' | 'rawHeaders'>;
  readonly outcome: Authenticated;
  readonly entry: {
    readonly requestHeaders: CompiledHeaderTransform;
    readonly api: Pick<SnapshotApi, 'stripBasePath'>;
  };
  readonly path: string;
  readonly relativePath: string;
  readonly query: string;
}

/**
 * The header list the upstream receives: the client's own, less hop-by-hop, gateway-owned and
 * credential headers, plus forwarding, request id, trace and consumer headers, then the API's
 * request header transform.
 */
export function upstreamHeadersFor(source: UpstreamSource): string[] {
  const { req, outcome } = source;
  const skip = connectionNamedHeaders(req.headers.connection);
  const raw = req.rawHeaders;
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (STRIPPED_REQUEST_HEADERS.has(name)) continue;
    if (skip?.has(name)) continue;
    if (name === outcome.credentialHeader) continue;
    headers.push(name, raw[i + 1] as string);
  }
  pushForwardingHeaders(headers, source);
  const consumer = outcome.consumer;
  if (consumer !== null) {
    pushConsumerHeaders(headers, consumer);
    if (outcome.plan !== null) headers.push('x-portico-plan', outcome.plan.plan.name);
  }
  if (outcome.clientCert !== undefined) headers.push('client-cert', outcome.clientCert);
  applyHeaderTransform(source.entry.requestHeaders, headers);
  return headers;
}

/** The path and query the upstream receives: the base path kept or stripped, the key parameter dropped. */
export function upstreamPathFor(source: UpstreamSource): string {
  let query = source.query;
  const keyParam = source.outcome.credentialQueryParam;
  if (keyParam !== null) {
    const params = new URLSearchParams(query);
    params.delete(keyParam);
    query = params.toString();
  }
  const path = source.entry.api.stripBasePath ? source.relativePath : source.path;
  return query.length > 0 ? `${path}?${query}` : path;
}
