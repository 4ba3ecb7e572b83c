import type { IncomingHttpHeaders } from 'node:http';
import type { ApiAuth } from '@portico/config';
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import type { AuthOutcome } from './auth-outcome';
import { resolveAccess } from './consumer-access';
import { missingScope } from './required-scopes';

type JwtAuth = Extract<ApiAuth, { type: 'jwt' }>;

/**
 * Remote key sets by URL, shared across config versions. jose caches the set, refetches it when
 * a token names an unknown `kid`, and never more often than the cooldown: a flood of tokens with
 * made-up kids cannot turn into a flood of JWKS fetches.
 */
const remoteKeySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const secretKeys = new Map<string, Uint8Array>();

export const JWKS_COOLDOWN_MS = 10_000;

function remoteKeySet(url: string) {
  let set = remoteKeySets.get(url);
  if (set === undefined) {
    set = createRemoteJWKSet(new URL(url), {
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: 600_000,
      timeoutDuration: 5_000,
    });
    remoteKeySets.set(url, set);
  }
  return set;
}

function secretKey(secret: string): Uint8Array {
  let key = secretKeys.get(secret);
  if (key === undefined) {
    key = new TextEncoder().encode(secret);
    secretKeys.set(secret, key);
  }
  return key;
}

function bearer(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string' || authorization.length <= 7) return null;
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  return authorization.slice(7).trim();
}

/** What one request needs from its token: the API's JWT settings and the route's scopes. */
export interface JwtRequirement {
  apiId: string;
  /** The matched route (null: the API's catch-all), for route-scoped plans. */
  routeId: string | null;
  auth: JwtAuth;
  /** Scopes the token must grant on this route (empty: none). */
  scopes: readonly string[];
}

/**
 * Verifies a bearer JWT (signature, iss, aud, exp, nbf with skew), checks the route's required
 * scopes and maps a claim to a consumer.
 */
export async function authenticateJwt(
  headers: IncomingHttpHeaders,
  requirement: JwtRequirement,
  config: CompiledConfig,
  credentials: CredentialTable,
): Promise<AuthOutcome> {
  const { apiId, routeId, auth } = requirement;
  const token = bearer(headers);
  if (token === null)
    return {
      ok: false,
      code: 'GW_TOKEN_MISSING',
      detail: 'send a JWT as "Authorization: Bearer <token>"',
    };
  const options = {
    algorithms: auth.algorithms,
    clockTolerance: auth.clockSkewSeconds,
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
  let payload: JWTPayload;
  try {
    if (auth.secretRef !== undefined) {
      const secret = config.jwtSecrets[auth.secretRef];
      if (secret === undefined)
        return {
          ok: false,
          code: 'GW_TOKEN_INVALID',
          detail: 'this API has no verification secret configured',
        };
      payload = (await jwtVerify(token, secretKey(secret), options)).payload;
    } else if (auth.jwksUrl !== undefined) {
      payload = (await jwtVerify(token, remoteKeySet(auth.jwksUrl), options)).payload;
    } else {
      return {
        ok: false,
        code: 'GW_TOKEN_INVALID',
        detail: 'this API has no JWT verification key configured',
      };
    }
  } catch (error) {
    return { ok: false, code: 'GW_TOKEN_INVALID', detail: jwtFailure(error) };
  }
  const missing = missingScope(payload, requirement.scopes);
  if (missing !== null)
    return {
      ok: false,
      code: 'GW_INSUFFICIENT_SCOPE',
      detail: `the token lacks the scope "${missing}" this route requires`,
    };
  const claim = payload[auth.consumerClaim];
  if (typeof claim !== 'string' || claim.length === 0) {
    return {
      ok: false,
      code: 'GW_TOKEN_INVALID',
      detail: `the token has no "${auth.consumerClaim}" claim naming a consumer`,
    };
  }
  const consumer = credentials.consumers.get(claim) ?? credentials.consumerByName(claim);
  if (consumer === undefined)
    return {
      ok: false,
      code: 'GW_FORBIDDEN',
      detail: `no consumer matches the token's "${auth.consumerClaim}" claim`,
    };
  const access = resolveAccess(consumer, apiId, routeId, config, credentials);
  if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
  return {
    ok: true,
    consumer,
    keyId: null,
    plan: access.plan,
    credentialHeader: null,
    credentialQueryParam: null,
  };
}

function jwtFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not acceptable`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key matches the token\'s "kid"';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the token uses an algorithm this API does not accept';
  return 'the token is malformed or cannot be verified';
}
