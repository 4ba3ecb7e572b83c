import {
  REGISTRY_BASE_PATH,
  REGISTRY_EPOCH_HEADER,
  REGISTRY_INDEX_HEADER,
  type RegisterResponse,
  type RegistryServiceList,
  ZRegisterBody,
  ZServiceName,
} from '@portico/config';
import type { RedisClient } from '@portico/config/redis';
import type { Db } from '@portico/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ChangeFeed } from './change-feed';
import { sendProblem } from './problem';
import { type RegistryScope, RegistryTokenVerifier, TokenStoreUnavailable } from './registry-auth';
import { describeIssues, parseInstancePath, parseWaitMs } from './registry-schemas';
import { RegistryStore, type ServiceView } from './registry-store';

/**
 * Options of the built-in registry plugin.
 *
 * - `redis`: an ioredis client. Instances, expiry times and change indexes live in Redis so a
 *   heartbeat costs one script call, never a Postgres write. The plugin duplicates the client
 *   once for its pub/sub subscriber and closes that duplicate on `app.close()`; it never closes
 *   the client it was given.
 * - `db`: the Prisma client, used only to look up registry tokens: `MachineToken` rows of kind
 *   `registry` whose `hash` is `hashSecret(bearer token)` and whose `scopes` hold `register`
 *   (PUT/DELETE) or `read` (GET); a gateway's `dataplane` token may read. Lookups are cached for
 *   30 s per token.
 * - `keyPrefix`: prepended to every Redis key and the pub/sub channel (default `portico:`);
 *   tests pass a random one.
 * - `sweepIntervalMs`: how often this replica prunes expired instances and announces the change
 *   (default 1000). Every replica may sweep; pruning is atomic and idempotent.
 * - `maxWaitMs`: ceiling for a blocking query's `wait` (default 60 000).
 *
 * Register it without a prefix: the routes already live under `/registry/v1`.
 */
export interface BuiltinRegistryOptions {
  redis: RedisClient;
  db: Pick<Db, 'machineToken'>;
  keyPrefix?: string;
  sweepIntervalMs?: number;
  maxWaitMs?: number;
}

const DEFAULT_WAIT_MS = 30_000;

/**
 * The built-in registry under `/registry/v1`. The routes, their error handler and their
 * problem+json 404 live in their own prefixed context, so the host app's handlers are untouched.
 */
export const builtinRegistryPlugin: FastifyPluginAsync<BuiltinRegistryOptions> = async (
  app,
  options,
) => {
  await app.register(registryRoutes, { ...options, prefix: REGISTRY_BASE_PATH });
};

const registryRoutes: FastifyPluginAsync<BuiltinRegistryOptions> = async (app, options) => {
  const store = new RegistryStore(options.redis, options.keyPrefix ?? 'portico:');
  const verifier = new RegistryTokenVerifier(options.db);
  const feed = new ChangeFeed(options.redis, store.channel);
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  feed.start();

  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    store
      .sweep()
      .catch((error: unknown) =>
        app.log.warn({ err: error }, 'registry sweep failed; retrying next tick'),
      )
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs ?? 1000);
  sweeper.unref();

  // Parked blocking queries would otherwise hold app.close() open for up to maxWaitMs.
  app.addHook('preClose', async () => {
    feed.releaseAll();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await feed.stop();
  });

  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(
        reply,
        request,
        'REG_INVALID_INPUT',
        error.message ?? 'the request could not be read',
      );
    }
    request.log.error({ err: error }, 'registry request failed');
    return sendProblem(
      reply,
      request,
      'REG_INTERNAL',
      `an internal error occurred; quote request id ${request.id}`,
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      'REG_NOT_FOUND',
      `no registry route ${request.method} ${request.url.split('?')[0]}`,
    ),
  );

  /** Returns false (after answering) when the caller may not proceed. */
  async function authorize(
    request: FastifyRequest,
    reply: FastifyReply,
    scope: RegistryScope,
  ): Promise<boolean> {
    let result: Awaited<ReturnType<typeof verifier.check>>;
    try {
      result = await verifier.check(request.headers.authorization, scope);
    } catch (error) {
      if (!(error instanceof TokenStoreUnavailable)) throw error;
      request.log.error({ err: error.cause }, 'registry token lookup failed');
      await sendProblem(
        reply,
        request,
        'REG_UNAVAILABLE',
        'registry tokens cannot be checked right now; retry shortly',
      );
      return false;
    }
    if (result.ok) return true;
    await sendProblem(reply, request, result.code, result.detail);
    return false;
  }

  /** Runs a store call, answering 503 when Redis fails instead of a generic 500. */
  async function withStore<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      request.log.error({ err: error }, 'registry store call failed');
      await sendProblem(
        reply,
        request,
        'REG_UNAVAILABLE',
        'the registry store (Redis) did not answer; retry shortly',
      );
      return undefined;
    }
  }

  function sendView(reply: FastifyReply, view: ServiceView) {
    return reply
      .header(REGISTRY_INDEX_HEADER, String(view.index))
      .header(REGISTRY_EPOCH_HEADER, view.epoch)
      .send(view);
  }

  app.put<{ Params: { service: string; instanceId: string } }>(
    '/services/:service/instances/:instanceId',
    async (request, reply) => {
      if (!(await authorize(request, reply, 'register'))) return reply;
      const path = parseInstancePath(request.params);
      const body = ZRegisterBody.safeParse(request.body ?? {});
      if (!path.ok || !body.success) {
        const problems = [
          ...(path.ok ? [] : path.problems),
          ...(body.success ? [] : [describeIssues(body.error, 'body')]),
        ];
        return sendProblem(reply, request, 'REG_INVALID_INPUT', problems.join('; '));
      }
      const record = { id: path.instanceId, ...body.data };
      const result = await withStore(request, reply, () => store.register(path.service, record));
      if (!result) return reply;
      const answer: RegisterResponse = {
        service: path.service,
        instance: record,
        changed: result.changed,
        index: result.index,
      };
      return reply.header(REGISTRY_INDEX_HEADER, String(result.index)).send(answer);
    },
  );

  app.delete<{ Params: { service: string; instanceId: string } }>(
    '/services/:service/instances/:instanceId',
    async (request, reply) => {
      if (!(await authorize(request, reply, 'register'))) return reply;
      const path = parseInstancePath(request.params);
      if (!path.ok)
        return sendProblem(reply, request, 'REG_INVALID_INPUT', path.problems.join('; '));
      const result = await withStore(request, reply, () =>
        store.deregister(path.service, path.instanceId),
      );
      if (!result) return reply;
      // Idempotent: deregistering an instance that already expired is not an error.
      return reply.header(REGISTRY_INDEX_HEADER, String(result.index)).code(204).send();
    },
  );

  app.get<{ Params: { service: string }; Querystring: { index?: string; wait?: string } }>(
    '/services/:service',
    async (request, reply) => {
      if (!(await authorize(request, reply, 'read'))) return reply;
      const service = ZServiceName.safeParse(request.params.service);
      if (!service.success)
        return sendProblem(
          reply,
          request,
          'REG_INVALID_INPUT',
          describeIssues(service.error, 'service'),
        );
      const rawIndex = request.query.index;
      if (rawIndex === undefined) {
        const view = await withStore(request, reply, () => store.read(service.data));
        return view ? sendView(reply, view) : reply;
      }
      if (!/^\d{1,15}$/.test(rawIndex)) {
        return sendProblem(
          reply,
          request,
          'REG_INVALID_INPUT',
          'index must be a non-negative integer from a previous x-portico-index header',
        );
      }
      const waitMs = parseWaitMs(request.query.wait, DEFAULT_WAIT_MS, maxWaitMs);
      if (waitMs === null) {
        return sendProblem(
          reply,
          request,
          'REG_INVALID_INPUT',
          'wait must look like "30s", "500ms", "1m" or a number of seconds',
        );
      }
      return blockingRead(request, reply, service.data, Number(rawIndex), waitMs);
    },
  );

  /**
   * Consul-style blocking query: answers at once when the index differs from the caller's (it
   * grew, or Redis was reset and it shrank), otherwise waits for an announced change or `wait`.
   * The waiter is armed before the first read so a change between read and subscribe is not lost.
   */
  async function blockingRead(
    request: FastifyRequest,
    reply: FastifyReply,
    service: string,
    index: number,
    waitMs: number,
  ) {
    const abort = new AbortController();
    // The response's 'close' fires before it is sent only when the client went away.
    const onClose = () => abort.abort();
    reply.raw.once('close', onClose);
    try {
      const changed = feed.waitForChange(service, index, waitMs, abort.signal);
      const first = await withStore(request, reply, () => store.read(service));
      if (!first) return reply;
      if (first.index !== index) return sendView(reply, first);
      await changed;
      if (abort.signal.aborted) return reply;
      const view = await withStore(request, reply, () => store.read(service));
      return view ? sendView(reply, view) : reply;
    } finally {
      abort.abort();
      reply.raw.off('close', onClose);
    }
  }

  app.get('/services', async (request, reply) => {
    if (!(await authorize(request, reply, 'read'))) return reply;
    const services = await withStore(request, reply, () => store.services());
    const answer: RegistryServiceList | undefined = services && { services };
    return answer ? reply.send(answer) : reply;
  });
};
