import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { BoundedMap } from '../limits/bounded-map';
import { authMetrics } from './auth-metrics';

/** An authorization server's introspection endpoint with the gateway's client credentials. */
export interface IntrospectionEndpoint {
  readonly url: string;
  /** `Basic base64(client_id:client_secret)` (RFC 6749 §2.3.1, form-encoded parts). */
  readonly authorization: string;
  readonly timeoutMs: number;
  /** How long an active answer is reused, at most (never past the token's `exp`). */
  readonly cacheMs: number;
  /** Distinguishes endpoints (url + client) in the shared cache. */
  readonly cacheScope: string;
}

/** An introspection answer (RFC 7662 §2.2): the members of an active token, or inactive. */
export type Introspected =
  | { active: true; claims: Readonly<Record<string, unknown>> }
  | { active: false };

/** The authorization server could not answer (unreachable, timeout, error status, bad body). */
export class IntrospectionUnavailable extends Error {}

/** Inactive answers are remembered briefly, so a flood of one bad token is not a flood upstream. */
export const NEGATIVE_CACHE_MS = 5_000;
export const INTROSPECTION_CACHE_ENTRIES = 10_000;
/** An answer larger than this is treated as a failure rather than buffered. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** Endpoints (url + client credentials) with a cache; a rotated secret starts a new one. */
const MAX_ENDPOINTS = 64;

interface EndpointCache {
  answers: BoundedMap<string, { answer: Introspected; untilMs: number }>;
  pending: Map<string, Promise<Introspected>>;
}

const INACTIVE: Introspected = { active: false };

// Introspection gets its own connection pool: the upstreams' pools are sized for them, and a slow
// authorization server must not take their sockets.
const dispatcher = new Agent({ connections: 32, keepAliveTimeout: 30_000 });

/**
 * Token introspection with a bounded cache keyed by the endpoint and SHA-256 of the token (never
 * the token itself). Concurrent lookups of one token share one request; a lookup awaits the
 * authorization server only on a miss, and never longer than the endpoint's timeout.
 */
export class Introspections {
  /** Per endpoint (url + client), so a lookup builds no combined key; endpoints are few. */
  private readonly byEndpoint = new BoundedMap<string, EndpointCache>(MAX_ENDPOINTS);

  lookup(
    endpoint: IntrospectionEndpoint,
    token: string,
    nowMs: number,
  ): Introspected | Promise<Introspected> {
    let cache = this.byEndpoint.get(endpoint.cacheScope);
    if (cache === undefined) {
      cache = { answers: new BoundedMap(INTROSPECTION_CACHE_ENTRIES), pending: new Map() };
      this.byEndpoint.set(endpoint.cacheScope, cache);
    }
    const { answers, pending } = cache;
    const key = createHash('sha256').update(token).digest('base64');
    const cached = answers.get(key);
    if (cached !== undefined && cached.untilMs > nowMs) {
      authMetrics.introspectionCacheHits++;
      return cached.answer;
    }
    const inFlight = pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const lookup = introspect(endpoint, token).then(
      (answer) => {
        pending.delete(key);
        const untilMs = cacheUntil(endpoint, answer, Date.now());
        if (untilMs !== null) answers.set(key, { answer, untilMs });
        return answer;
      },
      (error: unknown) => {
        pending.delete(key);
        throw error;
      },
    );
    pending.set(key, lookup);
    return lookup;
  }
}

/** Until when an answer may be reused: active until min(exp, cacheMs), inactive briefly. */
function cacheUntil(endpoint: IntrospectionEndpoint, answer: Introspected, nowMs: number) {
  if (endpoint.cacheMs === 0) return null;
  if (!answer.active) return nowMs + Math.min(NEGATIVE_CACHE_MS, endpoint.cacheMs);
  const exp = answer.claims.exp;
  const until = nowMs + endpoint.cacheMs;
  return typeof exp === 'number' ? Math.min(until, exp * 1000) : until;
}

async function introspect(endpoint: IntrospectionEndpoint, token: string): Promise<Introspected> {
  authMetrics.introspectionCalls++;
  let status: number;
  let text: string | null = null;
  try {
    const response = await request(endpoint.url, {
      method: 'POST',
      dispatcher,
      headers: {
        authorization: endpoint.authorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: `token=${encodeURIComponent(token)}&token_type_hint=access_token`,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    status = response.statusCode;
    if (status === 200) text = await readBounded(response.body, MAX_ANSWER_BYTES);
    else await response.body.dump();
  } catch (error) {
    authMetrics.introspectionFailures++;
    throw new IntrospectionUnavailable(
      error instanceof Error && error.name === 'TimeoutError'
        ? `the authorization server did not answer within ${endpoint.timeoutMs} ms`
        : 'the authorization server could not be reached',
    );
  }
  if (status !== 200) {
    authMetrics.introspectionFailures++;
    throw new IntrospectionUnavailable(`the authorization server answered ${status}`);
  }
  const parsed = parseAnswer(text);
  if (parsed === null) {
    authMetrics.introspectionFailures++;
    throw new IntrospectionUnavailable(
      'the authorization server answered something other than a JSON object (or over 64 KB)',
    );
  }
  if (parsed.active !== true) return INACTIVE;
  return { active: true, claims: parsed };
}

function parseAnswer(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The answer's body, or null past `max` bytes (an introspection answer is a few hundred). */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }, max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One per process: answers stay valid across config versions. */
export const introspections = new Introspections();
