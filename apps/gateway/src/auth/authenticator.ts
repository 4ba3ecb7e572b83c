import type { IncomingMessage } from 'node:http';
import type { SingleAuth, SnapshotApi } from '@portico/config';
import type { CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import type { AuthOutcome } from './auth-outcome';
import type { ExpectedDigest } from './signatures/content-digest';

/** The request an API's authentication runs for (a proxied request, an MCP message). */
export interface AuthHost {
  readonly req: IncomingMessage;
  readonly requestId: string;
  /** The matched route (null: the API's catch-all, or an MCP endpoint, checked per tool later). */
  readonly routeId: string | null;
  /** The raw query string, where a key may travel. */
  readonly query: string;
  readonly credentials: CredentialTable;
  /** The client as trusted proxies let the gateway see it (the scheme a signature covers), if known. */
  readonly view?: { readonly peerTrusted: boolean; readonly xForwardedProto: string } | null;
  /** Set by signature authentication: the digest the body must match as it is read or forwarded. */
  bodyDigest: ExpectedDigest | null;
  readonly deps: { readonly log: { error(message: string, error?: unknown): void } };
  /** Receives the outcome exactly once, synchronously for keys and anonymous APIs. */
  afterAuth(outcome: AuthOutcome): void;
  fail(code: GatewayErrorCode, detail: string, extra?: Record<string, string> | null): void;
}

/**
 * One authentication method of one API, compiled when the config is applied: everything that
 * does not depend on the request (scopes by route, challenges, clients) is built here once.
 */
export interface Authenticator {
  /** The method, as named in `auth.type`. */
  readonly type: SingleAuth['type'] | 'anyOf' | 'none';
  /**
   * Whether the request carries this method's credential at all (right or wrong). `anyOf`
   * lets the first method whose credential is present decide.
   */
  present(host: AuthHost): boolean;
  /** Authenticates; hands the outcome to `host.afterAuth` exactly once, now or later. */
  run(host: AuthHost, config: CompiledConfig): void;
  /** The `WWW-Authenticate` challenge that tells a caller how to send this credential. */
  readonly challenge: string | null;
  /** What to send, for a person reading a 401 ("an API key in the x-api-key header"). */
  readonly expects: string;
}

/** What compiling a method needs beside its settings. */
export interface AuthCompileContext {
  readonly api: SnapshotApi;
  /** Secrets the version's auth references, by Secret name (jwt secretRef, introspection clientSecretRef). */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Builds one method's authenticator from its settings; throws (naming the field) to refuse the version. */
export type AuthenticatorFactory<A extends SingleAuth> = (
  auth: A,
  context: AuthCompileContext,
) => Authenticator;

/** An authenticator's async verdict handed to the host, logging a failure that should not happen. */
export function settle(host: AuthHost, pending: Promise<AuthOutcome>, what: string): void {
  pending.then(
    (outcome) => host.afterAuth(outcome),
    (error: unknown) => {
      host.deps.log.error(`${what} authentication failed unexpectedly (${host.requestId})`, error);
      host.fail('GW_INTERNAL', 'internal gateway error');
    },
  );
}

/** `Authorization: Bearer <token>`'s token, or null. */
export function bearerToken(host: AuthHost): string | null {
  const authorization = host.req.headers.authorization;
  if (typeof authorization !== 'string' || authorization.length <= 7) return null;
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  return authorization.slice(7).trim();
}

/** A quoted-string for a challenge parameter (RFC 9110 §5.6.4). */
export function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

const BEARER = /^bearer +\S/i;

/**
 * What kind of bearer token the request carries, without copying it: none, one shaped like a
 * Portico key (`keyPrefix…`), or another token (a JWT, an opaque access token). anyOf uses this
 * to tell "key or jwt" apart on the same header.
 */
export function bearerShape(host: AuthHost, keyPrefix: string): 'none' | 'key' | 'other' {
  const authorization = host.req.headers.authorization;
  if (typeof authorization !== 'string' || !BEARER.test(authorization)) return 'none';
  let start = 7;
  while (authorization.charCodeAt(start) === 32) start++;
  return authorization.startsWith(keyPrefix, start) ? 'key' : 'other';
}
