import type { AnalyticsRecorder } from '@portico/analytics';
import { problemDocument } from '@portico/config';
import type { CompiledApi } from '../config/compiled-config';
import {
  GATEWAY_ERRORS,
  type GatewayErrorCode,
  PROBLEM_CONTENT_TYPE,
} from '../errors/gateway-errors';
import type { TranscodeHost } from '../grpc/grpc-transcoder';
import type { LimitCheck, Limiter } from '../limits/index';
import { addCorsResponseHeaders } from '../policies/cors';
import { applyHeaderTransform } from '../policies/header-transform';
import type { CompiledAggregate, CompiledCall } from './aggregate-plan';

/** What a composite request borrows from its proxy exchange. */
export interface AggregateHost extends TranscodeHost {
  readonly clientIp: string | null;
  /** The plan check the request already passed, for counting each backend call. */
  readonly limitCheck: LimitCheck | null;
  readonly apiId: string;
  readonly routeId: string | null;
}

export interface AggregateDeps {
  readonly limiter: Limiter | null;
  readonly analytics: AnalyticsRecorder;
}

/** Why one backend call did not contribute. */
export interface FailedPart {
  call: string;
  code: GatewayErrorCode;
  status: number | null;
  detail: string;
}

type CallResult = { ok: true; value: unknown } | { ok: false; failure: FailedPart };

/**
 * Answers a composite route: counts the extra plan units when it counts per call, runs the calls
 * (all at once, or in order when later paths use earlier answers), and merges the JSON answers.
 * A failed call fails the whole answer, or — with `onPartialFailure: partial` — is left out,
 * listed under `_failed`, and the answer marked `x-portico-partial: true`.
 */
export function runAggregate(
  host: AggregateHost,
  entry: CompiledApi,
  aggregate: CompiledAggregate,
  deps: AggregateDeps,
): void {
  const extra = aggregate.countPerCall ? aggregate.calls.length - 1 : 0;
  const check = host.limitCheck;
  if (extra > 0 && check !== null && deps.limiter !== null) {
    const limiter = deps.limiter;
    // The request itself was counted once already; each further call is one more unit, all
    // decided in the same limiter batch.
    Promise.all(Array.from({ length: extra }, () => limiter.check(check))).then((decisions) => {
      const denied = decisions.find((d) => !d.allowed);
      if (denied !== undefined) {
        const code: GatewayErrorCode =
          denied.reason === 'quota' ? 'GW_QUOTA_EXCEEDED' : 'GW_RATE_LIMITED';
        host.fail(
          code,
          denied.detail ?? `this composite route counts ${aggregate.calls.length} requests`,
          denied.headers,
        );
        return;
      }
      void execute(host, entry, aggregate, deps);
    });
    return;
  }
  void execute(host, entry, aggregate, deps);
}

async function execute(
  host: AggregateHost,
  entry: CompiledApi,
  aggregate: CompiledAggregate,
  deps: AggregateDeps,
): Promise<void> {
  const startedAt = performance.now();
  const results: Array<CallResult | undefined> = new Array(aggregate.calls.length);
  const segments = host.relativePath.split('/').filter((s) => s.length > 0);
  const query = new URLSearchParams(host.query);
  const ctx: CallContext = { host, deps, segments, query, results };
  if (aggregate.sequential) {
    for (let i = 0; i < aggregate.calls.length; i++)
      results[i] = await runCall(ctx, aggregate.calls[i] as CompiledCall, i);
  } else {
    await Promise.all(
      aggregate.calls.map(async (call, i) => {
        results[i] = await runCall(ctx, call, i);
      }),
    );
  }
  const res = host.res;
  if (res.destroyed) return;
  const merged: Record<string, unknown> = {};
  const failed: FailedPart[] = [];
  aggregate.calls.forEach((call, i) => {
    const result = results[i] as CallResult;
    if (result.ok) mergeInto(merged, call, result.value);
    else failed.push(result.failure);
  });
  const upstreamMs = performance.now() - startedAt;
  if (failed.length > 0 && (!aggregate.partial || failed.length === aggregate.calls.length)) {
    const timedOut = failed.every((f) => f.code === 'GW_UPSTREAM_TIMEOUT');
    const code: GatewayErrorCode = timedOut ? 'GW_UPSTREAM_TIMEOUT' : 'GW_AGGREGATE_FAILED';
    const status = GATEWAY_ERRORS[code].status;
    const detail = `${failed.length} of ${aggregate.calls.length} backend calls failed: ${failed.map((f) => f.call).join(', ')}`;
    const body = JSON.stringify(
      problemDocument(GATEWAY_ERRORS, code, { detail, requestId: host.requestId }, { failed }),
    );
    host.noteUpstream({
      instance: null,
      upstreamMs,
      bytesIn: 0,
      bytesOut: body.length,
      errorCode: code,
    });
    res.writeHead(status, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-request-id': host.requestId,
      'cache-control': 'no-store',
      ...host.limitHeaders,
    });
    res.end(body);
    return;
  }
  if (failed.length > 0) merged._failed = failed;
  const body = JSON.stringify(merged);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': host.requestId,
    ...host.limitHeaders,
  };
  if (failed.length > 0) headers['x-portico-partial'] = 'true';
  host.noteUpstream({
    instance: null,
    upstreamMs,
    bytesIn: 0,
    bytesOut: Buffer.byteLength(body),
    errorCode: null,
  });
  // The API's response header transform and CORS apply as to any route.
  const list: string[] = [];
  for (const name in headers) list.push(name, String(headers[name]));
  applyResponsePolicies(host, entry, list);
  res.writeHead(200, list);
  res.end(body);
}

interface CallContext {
  host: AggregateHost;
  deps: AggregateDeps;
  segments: readonly string[];
  query: URLSearchParams;
  results: Array<CallResult | undefined>;
}

async function runCall(ctx: CallContext, call: CompiledCall, index: number): Promise<CallResult> {
  const { host } = ctx;
  const failure = (code: GatewayErrorCode, status: number | null, detail: string): CallResult => ({
    ok: false,
    failure: { call: call.name, code, status, detail },
  });
  const path = fillPath(ctx, call);
  if (typeof path !== 'string') return failure('GW_AGGREGATE_FAILED', null, path.missing);
  const selector = call.service.selector;
  const service = call.service.service;
  if (!selector.admit())
    return failure('GW_CIRCUIT_OPEN', null, `service ${service.name} is failing`);
  const instance = selector.pick(host, host.req.headers);
  if (instance === null) {
    selector.abandon();
    return failure(
      'GW_NO_HEALTHY_UPSTREAM',
      null,
      `no healthy instance of service ${service.name}`,
    );
  }
  const startedAt = performance.now();
  const at = Date.now();
  let status = 0;
  let bytesOut = 0;
  let result: CallResult;
  try {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': host.requestId,
    };
    if (host.consumerId !== null) headers['x-consumer-id'] = host.consumerId;
    const response = await call.service.poolFor(instance).request({
      method: call.method,
      path,
      headers,
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    status = response.statusCode;
    const text = await response.body.text();
    bytesOut = Buffer.byteLength(text);
    if (status >= 500) selector.reportFailure(instance);
    else selector.reportSuccess(instance);
    if (status >= 400)
      result = failure('GW_AGGREGATE_FAILED', status, `service ${service.name} answered ${status}`);
    else {
      try {
        result = { ok: true, value: text.length === 0 ? null : JSON.parse(text) };
      } catch {
        result = failure(
          'GW_AGGREGATE_FAILED',
          status,
          `service ${service.name} did not answer JSON`,
        );
      }
    }
  } catch (error) {
    selector.reportFailure(instance);
    const name = (error as { name?: string }).name;
    result =
      name === 'TimeoutError'
        ? failure(
            'GW_UPSTREAM_TIMEOUT',
            null,
            `service ${service.name} did not answer within ${call.timeoutMs} ms`,
          )
        : failure('GW_UPSTREAM_UNAVAILABLE', null, `service ${service.name} could not be reached`);
  }
  const totalMs = performance.now() - startedAt;
  // Each backend call is its own analytics event, linked to the composite by its request id.
  ctx.deps.analytics.record({
    time: at,
    requestId: `${host.requestId}.${index + 1}`,
    apiId: host.apiId,
    routeId: host.routeId,
    serviceId: service.id,
    instance: instance.id,
    consumerId: host.consumerId,
    keyId: null,
    method: call.method,
    status:
      status === 0
        ? result.ok
          ? 200
          : result.failure.code === 'GW_UPSTREAM_TIMEOUT'
            ? 504
            : 502
        : status,
    totalMs,
    upstreamMs: status === 0 ? null : totalMs,
    bytesIn: 0,
    bytesOut,
    clientIp: host.clientIp,
    errorCode: result.ok ? null : result.failure.code,
  });
  return result;
}

/** The call's path with values filled in, or what was missing. */
function fillPath(ctx: CallContext, call: CompiledCall): string | { missing: string } {
  let path = '';
  for (const part of call.path) {
    switch (part.kind) {
      case 'text':
        path += part.text;
        break;
      case 'param':
        path += ctx.segments[part.segment] ?? '';
        break;
      case 'query':
        path += encodeURIComponent(ctx.query.get(part.name) ?? '');
        break;
      case 'call': {
        const earlier = ctx.results[part.call];
        if (earlier === undefined || !earlier.ok)
          return { missing: 'an earlier call it depends on failed' };
        let value: unknown = earlier.value;
        for (const key of part.field)
          value =
            typeof value === 'object' && value !== null
              ? (value as Record<string, unknown>)[key]
              : undefined;
        if (value === undefined || value === null || typeof value === 'object')
          return { missing: `${part.field.join('.')} is missing from an earlier answer` };
        path += encodeURIComponent(String(value));
        break;
      }
      default:
        part satisfies never;
    }
  }
  return path;
}

/** Applies allow, deny and renames to one answer, then places it under its key or at the top. */
function mergeInto(target: Record<string, unknown>, call: CompiledCall, value: unknown): void {
  let shaped = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (call.allow !== null && !call.allow.has(key)) continue;
      if (call.deny.has(key)) continue;
      out[call.rename.get(key) ?? key] = field;
    }
    shaped = out;
  }
  if (call.into !== null) target[call.into] = shaped;
  else if (typeof shaped === 'object' && shaped !== null && !Array.isArray(shaped))
    Object.assign(target, shaped);
  else target[call.name] = shaped;
}

function applyResponsePolicies(host: AggregateHost, entry: CompiledApi, headers: string[]): void {
  applyHeaderTransform(entry.responseHeaders, headers);
  const origin = host.req.headers.origin;
  if (entry.cors !== null && origin !== undefined)
    addCorsResponseHeaders(entry.cors, origin, headers);
}
