import type { SingleAuth } from '@portico/config';
import { SECRET_PREFIXES } from '@portico/keys';
import type { CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import { type AuthOutcome, refusal } from './auth-outcome';
import { type AuthenticatorFactory, bearerShape, bearerToken, settle } from './authenticator';
import { resolveAccess } from './consumer-access';
import {
  type Introspected,
  type IntrospectionEndpoint,
  IntrospectionUnavailable,
  introspections,
} from './introspection-client';
import { compileScopesOf, missingScope, scopesOrNone } from './required-scopes';

type IntrospectionAuth = Extract<SingleAuth, { type: 'introspection' }>;

const KEY_PREFIX = SECRET_PREFIXES.apiKey;

const MISSING = refusal(
  'GW_TOKEN_MISSING',
  'send an access token as "Authorization: Bearer <token>"',
);
const INACTIVE = refusal(
  'GW_TOKEN_INVALID',
  'the access token is not active (unknown, revoked or expired)',
);
const NO_CLIENT_SECRET = refusal(
  'GW_INTROSPECTION_UNAVAILABLE',
  "this gateway has no client secret for the API's authorization server",
);
const EXPIRED = refusal('GW_TOKEN_INVALID', 'the access token has expired');

/** `client_id:client_secret` form-encoded then base64 (RFC 6749 §2.3.1). */
function clientAuthorization(clientId: string, secret: string): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/**
 * OAuth2 token introspection (RFC 7662): the bearer token is sent to the authorization server
 * (on a cache miss), an active answer's claim is mapped to a consumer like a JWT's, and scopes
 * are enforced per route like a JWT's. An unreachable server is 503, after at most `timeoutMs`.
 */
export const compileIntrospection: AuthenticatorFactory<IntrospectionAuth> = (auth, ctx) => {
  const { api } = ctx;
  const scopes = compileScopesOf(auth, api);
  const secret = ctx.secrets[auth.clientSecretRef];
  const endpoint: IntrospectionEndpoint | null =
    secret === undefined
      ? null
      : {
          url: auth.url,
          authorization: clientAuthorization(auth.clientId, secret),
          timeoutMs: auth.timeoutMs,
          cacheMs: auth.cacheSeconds * 1000,
          cacheScope: `${auth.url}\u0000${clientAuthorization(auth.clientId, secret)}`,
        };
  const claimName = auth.consumerClaim;

  function decided(
    answer: Introspected,
    config: CompiledConfig,
    table: CredentialTable,
    routeId: string | null,
  ): AuthOutcome {
    if (!answer.active) return INACTIVE;
    const claims = answer.claims;
    // The server should say inactive past `exp`; a cached or lax answer is checked here too.
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return EXPIRED;
    const missing = missingScope(claims, scopesOrNone(scopes, routeId));
    if (missing !== null)
      return {
        ok: false,
        code: 'GW_INSUFFICIENT_SCOPE',
        detail: `the token lacks the scope "${missing}" this route requires`,
      };
    const claim = claims[claimName];
    if (typeof claim !== 'string' || claim.length === 0)
      return {
        ok: false,
        code: 'GW_TOKEN_INVALID',
        detail: `the introspected token has no "${claimName}" naming a consumer`,
      };
    const consumer = table.consumers.get(claim) ?? table.consumerByName(claim);
    if (consumer === undefined)
      return {
        ok: false,
        code: 'GW_FORBIDDEN',
        detail: `no consumer matches the token's "${claimName}"`,
      };
    const access = resolveAccess(consumer, api.id, routeId, config, table);
    if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
    return {
      ok: true,
      consumer,
      keyId: null,
      plan: access.plan,
      // Forwarded like a JWT: the upstream may act on the same token.
      credentialHeader: null,
      credentialQueryParam: null,
    };
  }

  return {
    type: 'introspection',
    challenge: 'Bearer',
    expects: 'an OAuth2 access token as "Authorization: Bearer <token>"',
    present: (host) => bearerShape(host, KEY_PREFIX) === 'other',
    run(host, config) {
      const token = bearerToken(host);
      if (token === null || token.length === 0) return host.afterAuth(MISSING);
      if (endpoint === null) return host.afterAuth(NO_CLIENT_SECRET);
      const table = host.credentials;
      const routeId = host.routeId;
      const answer = introspections.lookup(endpoint, token, Date.now());
      if (!(answer instanceof Promise))
        return host.afterAuth(decided(answer, config, table, routeId));
      settle(
        host,
        answer.then(
          (found) => decided(found, config, table, routeId),
          (error: unknown): AuthOutcome => {
            if (!(error instanceof IntrospectionUnavailable)) throw error;
            return { ok: false, code: 'GW_INTROSPECTION_UNAVAILABLE', detail: error.message };
          },
        ),
        'introspection',
      );
    },
  };
};
