import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CompiledApi } from '../config/compiled-config';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { IDEMPOTENT, RETRYABLE_ERRORS, upstreamErrorCode } from '../proxy/upstream-policy';
import type { PickContext, UpstreamInstance } from '../upstream/upstream-selector';

/** Largest upstream answer an MCP exchange buffers; a larger one is reported, not relayed. */
export const MAX_UPSTREAM_ANSWER_BYTES = 4 * 1024 * 1024;

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: string[];
  body: string | null;
  pickContext: PickContext;
  /** The client's headers, for header-hash balancing. */
  clientHeaders: IncomingHttpHeaders;
}

export type UpstreamAnswer =
  | {
      ok: true;
      status: number;
      headers: Record<string, string | string[] | undefined>;
      /** Null when the answer was larger than MAX_UPSTREAM_ANSWER_BYTES. */
      body: Buffer | null;
      instance: UpstreamInstance;
      upstreamMs: number;
    }
  | {
      ok: false;
      code: GatewayErrorCode;
      detail: string;
      instance: UpstreamInstance | null;
      upstreamMs: number | null;
    };

class AnswerTooLarge extends Error {}

async function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      body.destroy();
      throw new AnswerTooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * One buffered call to an API's service, with what the REST path applies to every request: the
 * circuit breaker, the balancer's pick, passive health, retries (connection failures and the
 * service's retry statuses, for idempotent methods unless the service allows others) within the
 * retry budget, and the service's total timeout over all attempts. Never throws.
 */
export async function callUpstream(
  entry: CompiledApi,
  req: UpstreamRequest,
): Promise<UpstreamAnswer> {
  const service = entry.service;
  const selector = service.selector;
  const settings = service.service;
  if (!selector.admit())
    return {
      ok: false,
      code: 'GW_CIRCUIT_OPEN',
      detail: `service ${settings.name} is failing; the gateway stopped sending it requests for now`,
      instance: null,
      upstreamMs: null,
    };
  const first = selector.pick(req.pickContext, req.clientHeaders);
  if (first === null) {
    selector.abandon();
    return {
      ok: false,
      code: 'GW_NO_HEALTHY_UPSTREAM',
      detail: `no healthy instance of service ${settings.name}`,
      instance: null,
      upstreamMs: null,
    };
  }
  let retriesLeft =
    IDEMPOTENT.has(req.method) || settings.retries.retryNonIdempotent
      ? settings.retries.attempts
      : 0;
  const startedAt = performance.now();
  const signal = AbortSignal.timeout(settings.timeouts.totalMs);
  const next = (from: UpstreamInstance): UpstreamInstance | null => {
    if (retriesLeft <= 0 || signal.aborted || !selector.tryRetry()) return null;
    const picked = selector.pick(req.pickContext, req.clientHeaders, from);
    if (picked !== null) retriesLeft--;
    return picked;
  };
  let instance: UpstreamInstance = first;
  for (;;) {
    let response: Dispatcher.ResponseData;
    try {
      response = await service.poolFor(instance).request({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body,
        signal,
      });
    } catch (error) {
      selector.reportFailure(instance);
      const upstreamMs = performance.now() - startedAt;
      if (signal.aborted)
        return {
          ok: false,
          code: 'GW_UPSTREAM_TIMEOUT',
          detail: `service ${settings.name} did not finish within ${settings.timeouts.totalMs} ms`,
          instance,
          upstreamMs,
        };
      const retry: UpstreamInstance | null = RETRYABLE_ERRORS.has(
        (error as { code?: string }).code ?? '',
      )
        ? next(instance)
        : null;
      if (retry !== null) {
        instance = retry;
        continue;
      }
      const code = upstreamErrorCode(error);
      return {
        ok: false,
        code,
        detail:
          code === 'GW_UPSTREAM_TIMEOUT'
            ? `service ${settings.name} did not answer in time`
            : `service ${settings.name} could not be reached`,
        instance,
        upstreamMs,
      };
    }
    const status = response.statusCode;
    if (status >= 500) {
      selector.reportFailure(instance);
      if (settings.retries.onStatuses.includes(status)) {
        const retry: UpstreamInstance | null = next(instance);
        if (retry !== null) {
          await response.body.dump();
          instance = retry;
          continue;
        }
      }
    } else selector.reportSuccess(instance);
    let body: Buffer | null;
    try {
      body = await readBounded(response.body, MAX_UPSTREAM_ANSWER_BYTES);
    } catch (error) {
      if (!(error instanceof AnswerTooLarge))
        return {
          ok: false,
          code: 'GW_UPSTREAM_UNAVAILABLE',
          detail: `service ${settings.name} broke off its answer`,
          instance,
          upstreamMs: performance.now() - startedAt,
        };
      body = null;
    }
    return {
      ok: true,
      status,
      headers: response.headers,
      body,
      instance,
      upstreamMs: performance.now() - startedAt,
    };
  }
}
