import {
  type Actor,
  type AnalyticsPipelineReader,
  type ApiContext,
  appRouter,
  type Mailer,
  type RegistryProbe,
  resolveActor,
  type SignInThrottle,
  sessionCookieNameFor,
  signInRetryAfterSeconds,
} from '@portico/api';
import type { RedisClient } from '@portico/config/redis';
import type { Db } from '@portico/db';
import { newId } from '@portico/id';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  createDiscoveryRegistryProbe,
  REGISTRY_PROBE_TIMEOUT_MS,
} from './discovery-registry-probe';
import type { ChangeFeed } from './dp/change-feed';
import { dataPlaneSyncPlugin } from './dp/plugin';
import { readCookie, serializeClearedCookie, serializeSessionCookie } from './http/cookies';
import { HttpMetrics } from './http/metrics';
import { createMutationGuard } from './http/mutation-guard';
import { sendProblem } from './http/problem';
import { builtinRegistryPlugin } from './registry/plugin';
import { RegistryStore } from './registry/registry-store';
import { redisQuotaCounterReader } from './usage/quota-counter-reader';

/** The `email` field of a sign-in input, for logs; nothing else of the input is read. */
function emailOf(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'email' in input)
    return typeof input.email === 'string' ? input.email.slice(0, 254) : null;
  return null;
}

/** Larger than the 5 MB OpenAPI limit plus JSON escaping, so that limit answers with its own message. */
const TRPC_BODY_LIMIT_BYTES = 12 * 1024 * 1024;

export interface ControlServerDeps {
  db: Db;
  /** 32-byte AES-256-GCM key (PORTICO_SECRET_KEY). */
  secretKey: Buffer;
  /** HS256 key for session cookies (PORTICO_SESSION_SECRET). */
  sessionSigningKey: Uint8Array;
  /** Origins besides the control's own that may send mutations (PORTICO_CONSOLE_ORIGINS). */
  consoleOrigins: readonly string[];
  /** The developer portal's origins, allowed to send mutations too (PORTICO_PORTAL_ORIGINS). */
  portalOrigins?: readonly string[];
  /** The portal's public URL for mailed links and the catalogue (PORTICO_PORTAL_URL). */
  portalUrl?: string;
  /** Sends the portal's mail; `main` passes SMTP or the log, tests a real SMTP server. */
  mailer?: Mailer;
  cookieSecure: boolean;
  /** Mounts /dp/v1 when given (built in `main` from DATABASE_URL). */
  changeFeed?: ChangeFeed | null;
  /** Mounts the built-in registry at /registry/v1 when given (REDIS_URL). */
  redis?: RedisClient | null;
  /** Redis key prefix of the built-in registry; tests pass a random one. */
  registryKeyPrefix?: string;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** How `registries.test` asks a registry for its services; defaults to the discovery adapters. */
  probeRegistry?: RegistryProbe;
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For names the client; none when absent. */
  trustedProxies?: readonly string[];
  /** Locks out repeated failed sign-ins; `main` always passes one, tests only when they test it. */
  signInThrottle?: SignInThrottle;
  /** Key prefix of the gateways' limiter, read for live quota usage; tests pass a random one. */
  limiterKeyPrefix?: string;
  /**
   * The deployment's Redis prefix (PORTICO_REDIS_PREFIX or derived from the database name),
   * handed to gateways at /dp/v1/deployment so they use the same keys and queues.
   */
  redisPrefix?: string;
  /** Reads the analytics queue and Redis memory for the console (built in `main` with Redis). */
  analyticsPipeline?: AnalyticsPipelineReader;
}

/** Longest procedure list a batched tRPC call may name in its path. */
const MAX_TRPC_PATH_LENGTH = 4_000;

/**
 * The control plane's HTTP surface, not yet listening: tests call `inject()` or `listen({port: 0})`.
 * /trpc (console, CLI), /dp/v1 (gateways), /registry/v1 (service instances), /healthz, /metrics.
 */
export async function buildControlServer(deps: ControlServerDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const probeRegistry =
    deps.probeRegistry ??
    createDiscoveryRegistryProbe(
      REGISTRY_PROBE_TIMEOUT_MS,
      deps.redis ? new RegistryStore(deps.redis, deps.registryKeyPrefix ?? 'portico:') : null,
    );
  const quotaCounters = deps.redis
    ? redisQuotaCounterReader(deps.redis, deps.limiterKeyPrefix)
    : undefined;
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: () => newId('request'),
    bodyLimit: 1024 * 1024,
    // A batched tRPC GET names every procedure in one path parameter
    // (`/trpc/apis.list,consumers.list,…`); Fastify's default of 100 characters answered 414 to
    // the console's Analytics page (eight queries). The URL as a whole stays bounded by Node's
    // header limit and by the console's batch splitting.
    routerOptions: { maxParamLength: MAX_TRPC_PATH_LENGTH },
    // Closing stops accepting, answers 503 to new requests on kept-alive sockets, and lets
    // in-flight requests finish; idle keep-alive sockets are closed at once.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // request.ip is the client behind a trusted proxy (the console), the peer otherwise.
    trustProxy:
      deps.trustedProxies && deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false,
  });
  const metrics = new HttpMetrics();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    const statusCode =
      error instanceof Error && 'statusCode' in error ? error.statusCode : undefined;
    const status =
      typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(
        reply,
        request,
        status,
        'something went wrong on our side; quote the request id when reporting it',
      );
    }
    return sendProblem(
      reply,
      request,
      status,
      error instanceof Error ? error.message : 'the request was refused',
    );
  });
  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(reply, request, 404, `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/healthz', async (request, reply) => {
    try {
      await deps.db.$queryRaw`SELECT 1`;
      return reply.send({ status: 'ok', checks: { database: 'ok' } });
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unreachable');
      return sendProblem(reply, request, 503, 'database unreachable');
    }
  });

  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );

  await app.register(async (trpcScope) => {
    trpcScope.addHook('onRoute', (route) => {
      route.bodyLimit = TRPC_BODY_LIMIT_BYTES;
    });
    trpcScope.addHook(
      'onRequest',
      createMutationGuard([...deps.consoleOrigins, ...(deps.portalOrigins ?? [])]),
    );
    const options: FastifyTRPCPluginOptions<typeof appRouter> = {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        async createContext({ req, res, info }): Promise<ApiContext> {
          // The portal and the console keep separate session cookies; see sessionCookieNameFor.
          const cookieOptions = {
            name: sessionCookieNameFor(info.calls.map((call) => call.path)),
            secure: deps.cookieSecure,
          };
          const actor: Actor | null = await resolveActor(
            { db: deps.db, sessionSigningKey: deps.sessionSigningKey, now },
            {
              sessionCookie: readCookie(req.headers.cookie, cookieOptions.name),
              authorization: req.headers.authorization ?? null,
            },
          );
          return {
            db: deps.db,
            sessionSigningKey: deps.sessionSigningKey,
            secretKey: deps.secretKey,
            now,
            probeRegistry,
            ...(deps.signInThrottle ? { signInThrottle: deps.signInThrottle } : {}),
            ...(quotaCounters ? { quotaCounters } : {}),
            ...(deps.analyticsPipeline ? { analyticsPipeline: deps.analyticsPipeline } : {}),
            ...(deps.mailer ? { mailer: deps.mailer } : {}),
            ...(deps.portalUrl ? { portalUrl: deps.portalUrl } : {}),
            actor,
            requestId: req.id,
            clientIp: req.ip,
            userAgent: req.headers['user-agent'] ?? null,
            cookies: {
              setSession: (value, expiresAt) => {
                res.header(
                  'set-cookie',
                  serializeSessionCookie(cookieOptions, value, expiresAt, now()),
                );
              },
              clearSession: () => {
                res.header('set-cookie', serializeClearedCookie(cookieOptions));
              },
            },
          };
        },
        // A throttled sign-in is 429 (tRPC's status for TOO_MANY_REQUESTS) and says when to retry.
        responseMeta({ errors }) {
          for (const error of errors) {
            const seconds = signInRetryAfterSeconds(error);
            if (seconds !== null) return { headers: { 'retry-after': String(seconds) } };
          }
          return {};
        },
        onError({ error, req, path, input }) {
          if (error.code === 'INTERNAL_SERVER_ERROR')
            req.log.error({ err: error.cause ?? error }, 'procedure failed');
          else if (
            (path === 'auth.signIn' || path === 'portal.auth.signIn') &&
            (error.code === 'UNAUTHORIZED' || error.code === 'TOO_MANY_REQUESTS')
          )
            // Failed and throttled sign-ins are logged for spotting guessing; the email only, never the password.
            req.log.warn(
              { requestId: req.id, ip: req.ip, email: emailOf(input), code: error.code },
              error.code === 'UNAUTHORIZED' ? 'sign-in failed' : 'sign-in throttled',
            );
        },
      },
    };
    await trpcScope.register(fastifyTRPCPlugin, options);
  });

  if (deps.changeFeed) {
    await app.register(dataPlaneSyncPlugin, {
      db: deps.db,
      changeFeed: deps.changeFeed,
      secretKey: deps.secretKey,
      now,
      ...(deps.redisPrefix !== undefined ? { redisPrefix: deps.redisPrefix } : {}),
    });
  }
  if (deps.redis) {
    await app.register(builtinRegistryPlugin, {
      redis: deps.redis,
      db: deps.db,
      ...(deps.registryKeyPrefix ? { keyPrefix: deps.registryKeyPrefix } : {}),
    });
  }
  return app;
}
