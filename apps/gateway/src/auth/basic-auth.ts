import type { CredentialSecret, SingleAuth } from '@portico/config';
import type { CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import { type AuthOutcome, refusal } from './auth-outcome';
import { type AuthenticatorFactory, type AuthHost, quoted, settle } from './authenticator';
import { resolveAccess } from './consumer-access';
import { passwordVerifications, VERIFIER_BUSY } from './password-verifications';

type BasicAuth = Extract<SingleAuth, { type: 'basic' }>;

const PREFIX = 'basic ';

/**
 * Stands in for an unknown username, so refusing one costs the same scrypt run as a wrong
 * password (and is cached the same way): response time does not tell which usernames exist.
 * The hash matches no password; its parameters are the ones new hashes get.
 */
const UNKNOWN_USER: CredentialSecret = {
  id: '(unknown user)',
  consumerId: '',
  kind: 'basic',
  identifier: '',
  verifier: `$scrypt$ln=15,r=8,p=1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`,
  matchBy: null,
  expiresAt: null,
};

/** The `Authorization` header when it carries Basic credentials, else null. */
function basicHeader(host: AuthHost): string | null {
  const authorization = host.req.headers.authorization;
  if (typeof authorization !== 'string' || authorization.length <= PREFIX.length) return null;
  return authorization.slice(0, PREFIX.length).toLowerCase() === PREFIX ? authorization : null;
}

/**
 * HTTP Basic (RFC 7617) against the consumers' basic credentials: username to credential by the
 * credential table, password against its hash through the verification cache. Unknown user,
 * wrong password, expired: one code and one detail for the first two, so a caller cannot tell
 * which usernames exist.
 */
export const compileBasic: AuthenticatorFactory<BasicAuth> = (auth, { api }) => {
  const challenge = `Basic realm=${quoted(auth.realm ?? api.name)}, charset="UTF-8"`;
  const headers = { 'www-authenticate': challenge } as const;
  const missing = refusal(
    'GW_BASIC_MISSING',
    'send your credentials as "Authorization: Basic <base64 of username:password>"',
    headers,
  );
  const invalid = refusal('GW_BASIC_INVALID', 'the username or password is wrong', headers);
  const malformed = refusal(
    'GW_BASIC_INVALID',
    'the Basic credentials are not base64 of "username:password"',
    headers,
  );
  const busy = refusal(
    'GW_AUTH_BUSY',
    'too many password verifications are in progress; retry in a moment',
  );
  const expired = refusal('GW_BASIC_INVALID', 'these credentials have expired', headers);

  function decided(
    ok: boolean,
    credential: CredentialSecret,
    config: CompiledConfig,
    table: CredentialTable,
    routeId: string | null,
  ): AuthOutcome {
    if (!ok || credential === UNKNOWN_USER) return invalid;
    // Checked after the password, so only someone who knows it learns that the user exists.
    if (credential.expiresAt !== null && Date.parse(credential.expiresAt) <= Date.now())
      return expired;
    const consumer = table.consumers.get(credential.consumerId);
    if (consumer === undefined) return invalid;
    const access = resolveAccess(consumer, api.id, routeId, config, table);
    if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
    return {
      ok: true,
      consumer,
      // Analytics count the request against the credential, and its last use is recorded.
      keyId: credential.id,
      plan: access.plan,
      credentialHeader: 'authorization',
      credentialQueryParam: null,
    };
  }

  return {
    type: 'basic',
    challenge,
    expects: 'Basic credentials as "Authorization: Basic <base64 of username:password>"',
    present: (host) => basicHeader(host) !== null,
    run(host, config) {
      const header = basicHeader(host);
      if (header === null) return host.afterAuth(missing);
      const decoded = Buffer.from(header.slice(PREFIX.length).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return host.afterAuth(malformed);
      const table = host.credentials;
      const known = table.credential('basic', decoded.slice(0, colon));
      const credential = known ?? UNKNOWN_USER;
      // For an unknown user the username joins the cache key, so each is cached on its own.
      const password = known === undefined ? decoded : decoded.slice(colon + 1);
      const routeId = host.routeId;
      const verdict = passwordVerifications.verify(credential, password, Date.now());
      if (verdict === VERIFIER_BUSY) return host.afterAuth(busy);
      if (typeof verdict === 'boolean')
        return host.afterAuth(decided(verdict, credential, config, table, routeId));
      settle(
        host,
        verdict.then((ok) => decided(ok, credential, config, table, routeId)),
        'basic',
      );
    },
  };
};
