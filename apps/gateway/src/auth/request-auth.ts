import type { IncomingMessage } from 'node:http';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { ANONYMOUS, type AuthOutcome } from './auth-outcome';
import { authenticateJwt } from './jwt-auth';
import { authenticateKey } from './key-auth';
import { scopesFor } from './required-scopes';
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
  /** Set by signature authentication: the digest the body must match as it is read or forwarded. */
  bodyDigest: ExpectedDigest | null;
  readonly deps: { readonly log: { error(message: string, error?: unknown): void } };
  /** Receives the outcome exactly once, synchronously for keys and anonymous APIs. */
  afterAuth(outcome: AuthOutcome): void;
  fail(code: GatewayErrorCode, detail: string, extra?: Record<string, string> | null): void;
}

const NO_SCOPES: readonly string[] = [];

/** Runs the API's authentication (key, JWT or none) and hands the outcome to the host. */
export function authenticate(host: AuthHost, entry: CompiledApi, config: CompiledConfig): void {
  const auth = entry.auth;
  if (auth.type === 'key') {
    host.afterAuth(
      authenticateKey(
        host.req.headers,
        host.query,
        entry.api.id,
        host.routeId,
        auth.queryParam,
        config,
        host.credentials,
        Date.now(),
      ),
    );
  } else if (auth.type === 'jwt') {
    const requirement = {
      apiId: entry.api.id,
      routeId: host.routeId,
      auth,
      scopes: entry.scopes === null ? NO_SCOPES : scopesFor(entry.scopes, host.routeId),
    };
    authenticateJwt(host.req.headers, requirement, config, host.credentials).then(
      (outcome) => host.afterAuth(outcome),
      (error: unknown) => {
        host.deps.log.error(`jwt authentication failed unexpectedly (${host.requestId})`, error);
        host.fail('GW_INTERNAL', 'internal gateway error');
      },
    );
  } else if (auth.type === 'none') {
    host.afterAuth(ANONYMOUS);
  } else {
    // Never let an API whose authentication this gateway cannot run through as anonymous.
    host.fail('GW_FORBIDDEN', `this gateway cannot run ${auth.type} authentication`);
  }
}

const BEARER_CHALLENGE: Readonly<Record<string, string>> = { 'www-authenticate': 'Bearer' };
const SCOPE_CHALLENGE: Readonly<Record<string, string>> = {
  'www-authenticate': 'Bearer error="insufficient_scope"',
};

/** The challenge (RFC 6750) a refused caller is answered with, telling it what to send; or null. */
export function authChallenge(code: GatewayErrorCode): Readonly<Record<string, string>> | null {
  if (code === 'GW_KEY_MISSING' || code === 'GW_TOKEN_MISSING') return BEARER_CHALLENGE;
  if (code === 'GW_INSUFFICIENT_SCOPE') return SCOPE_CHALLENGE;
  return null;
}
