import type { IncomingHttpHeaders } from 'node:http';
import { hashSecret, isWellFormedSecret, SECRET_PREFIXES } from '@portico/keys';
import type { CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import { BoundedMap } from '../limits/bounded-map';
import type { AuthOutcome } from './auth-outcome';
import { resolveAccess } from './consumer-access';

interface FoundKey {
  value: string;
  header: 'x-api-key' | 'authorization' | null;
  queryParam: string | null;
}

function findKey(
  headers: IncomingHttpHeaders,
  query: string,
  queryParam: string | undefined,
): FoundKey | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0)
    return { value: header.trim(), header: 'x-api-key', queryParam: null };
  const authorization = headers.authorization;
  let bearer: FoundKey | null = null;
  if (
    typeof authorization === 'string' &&
    authorization.length > 7 &&
    authorization.slice(0, 7).toLowerCase() === 'bearer '
  ) {
    bearer = { value: authorization.slice(7).trim(), header: 'authorization', queryParam: null };
    // A bearer token shaped like a key is the key; another (a JWT beside a key in the query,
    // on an API accepting either) yields to the query parameter when there is one.
    if (bearer.value.startsWith(SECRET_PREFIXES.apiKey)) return bearer;
  }
  if (queryParam !== undefined && query.length > 0) {
    const value = new URLSearchParams(query).get(queryParam);
    if (value) return { value, header: null, queryParam };
  }
  return bearer;
}

/**
 * Hashes of recently presented well-formed keys. A client sends the same key on every request;
 * remembering its hash spares the checksum walk and a SHA-256 per request. Only the hash is
 * derived here: whether the key is known, expired or revoked is looked up afresh every time.
 */
const hashByKey = new BoundedMap<string, string>(10_000);

function hashOfWellFormed(value: string): string | null {
  const known = hashByKey.get(value);
  if (known !== undefined) return known;
  if (!isWellFormedSecret('apiKey', value)) return null;
  const hash = hashSecret(value);
  hashByKey.set(value, hash);
  return hash;
}

/**
 * API-key authentication against the in-memory credential table. A malformed key is refused
 * before any hashing or lookup; an unknown, expired or revoked key is 401; a known key whose
 * consumer may not call this route of the API (null: any part of it) is 403.
 */
export function authenticateKey(
  headers: IncomingHttpHeaders,
  query: string,
  apiId: string,
  routeId: string | null,
  queryParam: string | undefined,
  config: CompiledConfig,
  credentials: CredentialTable,
  nowMs: number,
): AuthOutcome {
  const found = findKey(headers, query, queryParam);
  if (found === null) {
    return {
      ok: false,
      code: 'GW_KEY_MISSING',
      detail: `send your API key in the x-api-key header or as "Authorization: Bearer <key>"${queryParam ? ` or the ${queryParam} query parameter` : ''}`,
    };
  }
  const hash = hashOfWellFormed(found.value);
  if (hash === null) {
    return {
      ok: false,
      code: 'GW_KEY_INVALID',
      detail: 'the API key is malformed (wrong prefix, length or checksum)',
    };
  }
  const key = credentials.keysByHash.get(hash);
  if (key === undefined) {
    return {
      ok: false,
      code: 'GW_KEY_INVALID',
      detail: 'the API key is unknown or has been revoked',
    };
  }
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= nowMs) {
    return { ok: false, code: 'GW_KEY_INVALID', detail: 'the API key has expired' };
  }
  const consumer = credentials.consumers.get(key.consumerId);
  if (consumer === undefined) {
    return {
      ok: false,
      code: 'GW_KEY_INVALID',
      detail: 'the API key belongs to no active consumer',
    };
  }
  const access = resolveAccess(consumer, apiId, routeId, config, credentials);
  if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
  return {
    ok: true,
    consumer,
    keyId: key.id,
    plan: access.plan,
    credentialHeader: found.header,
    credentialQueryParam: found.queryParam,
  };
}
