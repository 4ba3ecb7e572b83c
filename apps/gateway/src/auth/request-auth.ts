import type { SingleAuth, SnapshotApi } from '@portico/config';
import { SECRET_PREFIXES } from '@portico/keys';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { compileAnyOf } from './any-of-auth';
import { ANONYMOUS } from './auth-outcome';
import {
  type AuthCompileContext,
  type Authenticator,
  type AuthenticatorFactory,
  type AuthHost,
  bearerShape,
  settle,
} from './authenticator';
import { compileBasic } from './basic-auth';
import { compileIntrospection } from './introspection-auth';
import { authenticateJwt } from './jwt-auth';
import { authenticateKey } from './key-auth';
import { compileMtls } from './mtls/mtls-auth';
import { compileScopesOf, scopesOrNone } from './required-scopes';
import { compileSignature } from './signatures/signature-auth';

export type { Authenticator, AuthHost } from './authenticator';

const KEY_PREFIX = SECRET_PREFIXES.apiKey;

const compileKey: AuthenticatorFactory<Extract<SingleAuth, { type: 'key' }>> = (auth, { api }) => {
  const apiId = api.id;
  const queryParam = auth.queryParam;
  const queryNeedle = queryParam === undefined ? null : `${queryParam}=`;
  const laterNeedle = `&${queryNeedle}`;
  return {
    type: 'key',
    challenge: 'Bearer',
    expects: `an API key in the x-api-key header${queryParam ? ` or the ${queryParam} query parameter` : ''}`,
    present(host) {
      const header = host.req.headers['x-api-key'];
      if (typeof header === 'string' && header.length > 0) return true;
      // Only a bearer token shaped like a key is a key: a JWT or an opaque token is not.
      if (bearerShape(host, KEY_PREFIX) === 'key') return true;
      return (
        queryNeedle !== null &&
        (host.query.startsWith(queryNeedle) || host.query.includes(laterNeedle))
      );
    },
    run(host, config) {
      host.afterAuth(
        authenticateKey(
          host.req.headers,
          host.query,
          apiId,
          host.routeId,
          queryParam,
          config,
          host.credentials,
          Date.now(),
        ),
      );
    },
  };
};

const compileJwt: AuthenticatorFactory<Extract<SingleAuth, { type: 'jwt' }>> = (auth, { api }) => {
  const scopes = compileScopesOf(auth, api);
  return {
    type: 'jwt',
    challenge: 'Bearer',
    expects: 'a JWT as "Authorization: Bearer <token>"',
    present: (host) => bearerShape(host, KEY_PREFIX) === 'other',
    run(host, config) {
      const requirement = {
        apiId: api.id,
        routeId: host.routeId,
        auth,
        scopes: scopesOrNone(scopes, host.routeId),
      };
      settle(host, authenticateJwt(host.req.headers, requirement, config, host.credentials), 'jwt');
    },
  };
};

/**
 * Every single method by `auth.type`: adding a kind of authentication is one entry here (and
 * its member of ZSingleAuth). `anyOf` is built from these; `none` lets everyone through.
 */
const AUTHENTICATORS: {
  [T in SingleAuth['type']]: AuthenticatorFactory<Extract<SingleAuth, { type: T }>>;
} = {
  key: compileKey,
  jwt: compileJwt,
  basic: compileBasic,
  introspection: compileIntrospection,
  signature: compileSignature,
  mtls: compileMtls,
};

/** One single method's authenticator. */
export function compileSingle(auth: SingleAuth, ctx: AuthCompileContext): Authenticator {
  const factory = AUTHENTICATORS[auth.type] as AuthenticatorFactory<SingleAuth>;
  return factory(auth, ctx);
}

const NONE: Authenticator = {
  type: 'none',
  challenge: null,
  expects: 'nothing',
  present: () => false,
  run: (host) => host.afterAuth(ANONYMOUS),
};

/** The API's authentication, compiled when its version is applied. */
export function compileAuth(
  api: SnapshotApi,
  secrets: Readonly<Record<string, string>>,
): Authenticator {
  const auth = api.auth;
  const ctx = { api, secrets };
  if (auth.type === 'none') return NONE;
  if (auth.type === 'anyOf')
    return compileAnyOf(
      auth.methods.map((method) => compileSingle(method, ctx)),
      api,
    );
  return compileSingle(auth, ctx);
}

/** Runs the API's authentication and hands the outcome to the host. */
export function authenticate(host: AuthHost, entry: CompiledApi, config: CompiledConfig): void {
  entry.authenticator.run(host, config);
}

const BEARER_CHALLENGE: Readonly<Record<string, string>> = { 'www-authenticate': 'Bearer' };
const SCOPE_CHALLENGE: Readonly<Record<string, string>> = {
  'www-authenticate': 'Bearer error="insufficient_scope"',
};

/**
 * The challenge (RFC 9110 §11.6.1, RFC 6750) a refused caller is answered with, telling it what
 * to send: the outcome's own, else the code's default; or null.
 */
export function authChallenge(
  code: GatewayErrorCode,
  own?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> | null {
  if (own !== undefined) return own;
  if (code === 'GW_KEY_MISSING' || code === 'GW_TOKEN_MISSING') return BEARER_CHALLENGE;
  if (code === 'GW_INSUFFICIENT_SCOPE') return SCOPE_CHALLENGE;
  return null;
}
