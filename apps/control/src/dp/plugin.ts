import {
  authenticateDataPlaneToken,
  computeSyncAnswer,
  PublishedSnapshotCache,
  recordNodeStatus,
  type SyncAnswerDeps,
  touchDataPlaneNode,
} from '@portico/api';
import {
  DATA_PLANE_NODE_HEADER,
  DEFAULT_REDIS_PREFIX,
  type DeploymentInfo,
  DP_CONFIG_PATH,
  DP_DEPLOYMENT_PATH,
  DP_NODE_STATUS_ROUTE,
  NODE_ID_PATTERN,
  ZNodeStatusReport,
  ZSyncQuery,
} from '@portico/config';
import type { Db } from '@portico/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeFeed } from './change-feed';
import { codeForStatus, sendDpProblem, sendIssues } from './dp-problem';
import { waitForAnswer } from './long-poll';

/**
 * Options of the data-plane sync plugin (routes under /dp/v1; register it without a prefix).
 *
 * - `db`: the Prisma client. Reads published versions, the credential change log and live
 *   credentials; writes DataPlaneNode rows and MachineToken.lastUsedAt.
 * - `changeFeed`: from `createChangeFeed(DATABASE_URL)` (./change-feed.ts), built once in `main`
 *   and closed on shutdown; the plugin only subscribes to it. Long-polls wake on its events.
 * - `secretKey`: the 32-byte AES-256-GCM key (ApiServices.secretKey, from PORTICO_SECRET_KEY)
 *   that opens registry credentials; gateways receive them in `config.secrets`, never in the
 *   snapshot.
 * - `now`: wall clock (default `() => new Date()`), for node last-seen times.
 *
 * Routes: `GET /dp/v1/config` (ZSyncQuery; 200 ZSyncResponse or 204 after `waitSeconds`),
 * `GET /dp/v1/deployment` (200 `{ redisPrefix }`: what gateways prefix their Redis keys and
 * queues with, read once at boot) and `POST /dp/v1/nodes/:nodeId/status` (ZNodeStatusReport;
 * 204). All need
 * `Authorization: Bearer <data-plane machine token>`; anything else gets a 401 problem+json.
 * `GET` also needs the `x-portico-node-id` header (registers or refreshes the DataPlaneNode).
 * Errors are problem+json with codes DP_INVALID_INPUT (400), DP_UNAUTHORIZED (401),
 * DP_PAYLOAD_TOO_LARGE (413), DP_UNSUPPORTED_MEDIA_TYPE (415) and DP_INTERNAL (500).
 * On `app.close()` polls in flight are answered 204 with `Connection: close` at once.
 */
export interface DataPlaneSyncOptions {
  db: Db;
  changeFeed: ChangeFeed;
  secretKey: Buffer;
  now?: () => Date;
  /** The deployment's Redis prefix, answered at `GET /dp/v1/deployment`. Default `portico`. */
  redisPrefix?: string;
}

export const dataPlaneSyncPlugin: FastifyPluginAsync<DataPlaneSyncOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const answerDeps: SyncAnswerDeps = {
    db: opts.db,
    secretKey: opts.secretKey,
    snapshotCache: new PublishedSnapshotCache(),
    onSecretError: (registryId, error) =>
      app.log.error(
        { registryId, err: error },
        'registry credentials cannot be opened; sent without them',
      ),
    onJwtSecretError: (secretName, error) =>
      app.log.error({ secretName, err: error }, 'jwt secret cannot be opened; sent without it'),
  };

  // Polls in flight, so shutting down answers them at once (204) instead of holding the
  // process for up to `waitSeconds`; gateways simply poll again, likely another replica.
  const inFlight = new Set<AbortController>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    for (const controller of inFlight) controller.abort();
  });

  // Every error leaves as problem+json with the request id; unexpected ones are logged and say
  // nothing about their cause (gateways retry with back-off either way).
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const code = codeForStatus(error.statusCode ?? 500);
    if (code !== 'DP_INTERNAL')
      return sendDpProblem(reply, request, code, error.message ?? 'invalid request');
    request.log.error({ err: error }, 'data-plane sync request failed');
    return sendDpProblem(
      reply,
      request,
      'DP_INTERNAL',
      'the control plane could not answer; retry later',
    );
  });

  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<string | null> {
    const check = await authenticateDataPlaneToken(opts.db, request.headers.authorization, now());
    if (!check.ok) {
      await sendDpProblem(reply, request, 'DP_UNAUTHORIZED', check.detail);
      return null;
    }
    return check.tokenId;
  }

  const deployment: DeploymentInfo = { redisPrefix: opts.redisPrefix ?? DEFAULT_REDIS_PREFIX };
  app.get(DP_DEPLOYMENT_PATH, async (request, reply) => {
    const tokenId = await authenticate(request, reply);
    if (tokenId === null) return reply;
    return deployment;
  });

  app.get(DP_CONFIG_PATH, async (request, reply) => {
    const tokenId = await authenticate(request, reply);
    if (tokenId === null) return reply;
    const nodeId = request.headers[DATA_PLANE_NODE_HEADER];
    if (typeof nodeId !== 'string' || !NODE_ID_PATTERN.test(nodeId)) {
      return sendDpProblem(
        reply,
        request,
        'DP_INVALID_INPUT',
        `header ${DATA_PLANE_NODE_HEADER}: required, 1-100 characters of letters, digits, ".", "_", ":" and "-"`,
      );
    }
    const query = ZSyncQuery.safeParse(request.query);
    if (!query.success) return sendIssues(reply, request, query.error);
    await touchDataPlaneNode(opts.db, nodeId, tokenId, now());

    // Stop waiting when the gateway hangs up, so an abandoned poll holds nothing.
    const abort = new AbortController();
    const onClose = () => abort.abort();
    reply.raw.once('close', onClose);
    inFlight.add(abort);
    // A poll that got this far after shutdown began (its node was still being recorded when
    // preClose aborted the others) must not wait out its full waitSeconds either.
    if (closing) abort.abort();
    try {
      const answer = await waitForAnswer(
        opts.changeFeed,
        () => computeSyncAnswer(answerDeps, query.data),
        query.data.waitSeconds * 1000,
        abort.signal,
      );
      // While shutting down, close the connection after answering: a kept-alive socket that
      // turns idle after server.close() started would hold the shutdown open.
      if (closing) reply.header('connection', 'close');
      if (answer === null) return reply.code(204).header('cache-control', 'no-store').send();
      return reply.code(200).header('cache-control', 'no-store').send(answer);
    } finally {
      inFlight.delete(abort);
      reply.raw.off('close', onClose);
    }
  });

  app.post<{ Params: { nodeId: string } }>(DP_NODE_STATUS_ROUTE, async (request, reply) => {
    const tokenId = await authenticate(request, reply);
    if (tokenId === null) return reply;
    const { nodeId } = request.params;
    if (!NODE_ID_PATTERN.test(nodeId)) {
      return sendDpProblem(
        reply,
        request,
        'DP_INVALID_INPUT',
        'nodeId: 1-100 characters of letters, digits, ".", "_", ":" and "-"',
      );
    }
    const report = ZNodeStatusReport.safeParse(request.body);
    if (!report.success) return sendIssues(reply, request, report.error);
    await recordNodeStatus(opts.db, nodeId, tokenId, report.data, now());
    return reply.code(204).send();
  });
};
