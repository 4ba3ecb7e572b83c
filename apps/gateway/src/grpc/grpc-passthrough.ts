import type { IncomingHttpHeaders } from 'node:http';
import {
  type ClientHttp2Stream,
  constants,
  type IncomingHttpHeaders as Http2Headers,
  type Http2ServerResponse,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { AdmittedExchange } from '../proxy/exchange';
import { HOP_BY_HOP } from '../proxy/hop-by-hop';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { endWithTrailers } from './grpc-refusal';
import type { CompiledGrpcService } from './grpc-service';
import { httpStatusForGrpc } from './grpc-status-map';
import { formatGrpcTimeout, grpcTimeoutMs } from './grpc-wire';

/** Client headers the upstream never receives as sent: hop-by-hop, and those the gateway owns. */
const STRIPPED = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'grpc-timeout',
  'x-request-id',
  'x-consumer-id',
  'x-consumer-name',
  'x-portico-plan',
  'x-forwarded-for',
]);
/** Upstream response headers and trailers that describe its connection, not the call. */
const STRIPPED_RESPONSE = new Set([...HOP_BY_HOP, ':status', 'content-length', 'date']);

/**
 * A gRPC client's call passed straight through, after the same routing, authentication and
 * limit check as any request (one count per call): onto a balanced instance's pooled HTTP/2
 * session, with request metadata (less the credential), DATA frames both ways under HTTP/2 flow
 * control (pipes), and the response headers and trailers relayed as they come. The deadline is
 * the client's `grpc-timeout` capped by the service's total timeout.
 */
export function passThroughGrpc(ex: AdmittedExchange, grpc: CompiledGrpcService): void {
  const selector = ex.entry.service.selector;
  const name = ex.entry.service.service.name;
  if (!selector.admit()) {
    ex.fail(
      'GW_CIRCUIT_OPEN',
      `service ${name} is failing; the gateway stopped sending it calls for now`,
    );
    return;
  }
  const instance = selector.pick(ex, ex.req.headers);
  if (instance === null) {
    selector.abandon();
    ex.fail('GW_NO_HEALTHY_UPSTREAM', `no healthy instance of service ${name}`);
    return;
  }
  new PassThroughCall(ex, grpc).send(instance);
}

class PassThroughCall {
  private readonly res: Http2ServerResponse;
  private readonly headers: OutgoingHttpHeaders;
  private readonly deadlineAt: number;
  /** Whether the deadline is the service's own (a miss then counts against the instance). */
  private readonly serviceDeadline: boolean;
  private readonly timer: NodeJS.Timeout;
  private retriesLeft: number;
  private upstream: ClientHttp2Stream | null = null;
  private instance: UpstreamInstance | null = null;
  private piping = false;
  private responded = false;
  private trailers: Http2Headers | null = null;
  private done = false;

  constructor(
    private readonly ex: AdmittedExchange,
    private readonly grpc: CompiledGrpcService,
  ) {
    const service = ex.entry.service.service;
    this.res = ex.res as unknown as Http2ServerResponse;
    this.retriesLeft = service.retries.attempts;
    const totalMs = service.timeouts.totalMs;
    const clientMs = grpcTimeoutMs(ex.req.headers);
    this.serviceDeadline = clientMs === null || clientMs >= totalMs;
    const deadlineMs = this.serviceDeadline ? totalMs : (clientMs as number);
    this.deadlineAt = performance.now() + deadlineMs;
    this.timer = setTimeout(() => this.onDeadline(deadlineMs), deadlineMs);
    this.headers = upstreamHeaders(ex);
    this.res.once('close', () => this.onClientClose());
  }

  send(instance: UpstreamInstance): void {
    this.instance = instance;
    this.ex.instance = instance;
    const remaining = this.deadlineAt - performance.now();
    this.headers['grpc-timeout'] = formatGrpcTimeout(remaining);
    let upstream: ClientHttp2Stream;
    try {
      upstream = this.grpc.sessionFor(instance).request(this.headers, { endStream: false });
    } catch (error) {
      // The pooled session went away between the pick and the call.
      this.onUpstreamError(error as Error);
      return;
    }
    this.upstream = upstream;
    this.ex.upstreamStartedAt = performance.now();
    // The client's DATA frames flow only once the instance took the stream, so a call whose
    // connection failed has consumed nothing and can move to another instance.
    // On a connected session the stream has its id at once ('ready' already went by).
    if (upstream.pending) upstream.once('ready', () => this.pipeRequest(upstream));
    else this.pipeRequest(upstream);
    upstream.once('response', (headers, flags) => this.onResponse(upstream, headers, flags));
    upstream.once('trailers', (trailers) => {
      this.trailers = trailers;
    });
    upstream.once('end', () => this.onEnd(upstream));
    upstream.on('error', (error) => this.onUpstreamError(error));
    upstream.once('close', () => this.onUpstreamClose(upstream));
  }

  private pipeRequest(upstream: ClientHttp2Stream): void {
    if (this.upstream !== upstream || this.done) return;
    this.piping = true;
    const req = this.ex.req;
    req.on('data', (chunk: Buffer) => {
      this.ex.bytesIn += chunk.length;
    });
    req.pipe(upstream);
  }

  private onResponse(upstream: ClientHttp2Stream, headers: Http2Headers, flags: number): void {
    if (this.upstream !== upstream || this.done) return;
    this.responded = true;
    this.ex.upstreamMs = performance.now() - this.ex.upstreamStartedAt;
    const status = Number(headers[':status'] ?? 200);
    const relayed = relayedHeaders(headers);
    relayed['x-request-id'] = this.ex.requestId;
    if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0) {
      // Trailers-only: the status is in the headers, and so it must stay for the client.
      this.settle(headers);
      relayed[':status'] = String(status);
      this.res.stream.respond(relayed, { endStream: true });
      return;
    }
    this.res.writeHead(status, relayed as Record<string, string>);
    upstream.on('data', (chunk: Buffer) => {
      this.ex.bytesOut += chunk.length;
    });
    upstream.pipe(this.res, { end: false });
  }

  private onEnd(upstream: ClientHttp2Stream): void {
    if (this.upstream !== upstream || this.done || !this.responded) return;
    if (this.res.writableEnded) return;
    const trailers = this.trailers;
    if (trailers === null || trailers['grpc-status'] === undefined) {
      this.settle({ 'grpc-status': String(GrpcStatus.INTERNAL) });
      endWithTrailers(this.res, GrpcStatus.INTERNAL, 'the service ended the call without a status');
      return;
    }
    this.settle(trailers);
    this.res.addTrailers(relayedHeaders(trailers) as Record<string, string>);
    this.res.end();
  }

  /** Records the call's outcome from its `grpc-status`, and the instance's health. */
  private settle(statusHeaders: Http2Headers): void {
    this.finish();
    const code = Number(statusHeaders['grpc-status'] ?? GrpcStatus.UNKNOWN);
    const ex = this.ex;
    ex.answeredStatus = httpStatusForGrpc(code);
    ex.errorCode =
      code === GrpcStatus.OK
        ? null
        : code === GrpcStatus.DEADLINE_EXCEEDED
          ? 'GW_UPSTREAM_TIMEOUT'
          : 'GW_UPSTREAM_GRPC_STATUS';
    const selector = ex.entry.service.selector;
    const instance = this.instance as UpstreamInstance;
    // UNAVAILABLE is the instance refusing work (shutting down, overloaded): passive health.
    if (code === GrpcStatus.UNAVAILABLE) selector.reportFailure(instance);
    else selector.reportSuccess(instance);
  }

  private onUpstreamError(error: Error): void {
    if (this.done) return;
    const ex = this.ex;
    const selector = ex.entry.service.selector;
    const instance = this.instance as UpstreamInstance;
    if (this.responded) {
      // Headers went out: end the call with a status the client can read.
      this.finish();
      selector.reportFailure(instance);
      ex.answeredStatus = httpStatusForGrpc(GrpcStatus.UNAVAILABLE);
      ex.errorCode = 'GW_UPSTREAM_UNAVAILABLE';
      endWithTrailers(
        this.res,
        GrpcStatus.UNAVAILABLE,
        `the service's stream failed: ${error.message}`,
      );
      return;
    }
    selector.reportFailure(instance);
    if (!this.piping && this.retriesLeft > 0 && !this.res.destroyed && selector.tryRetry()) {
      const next = selector.pick(ex, ex.req.headers, instance);
      if (next !== null) {
        this.retriesLeft--;
        this.upstream = null;
        this.send(next);
        return;
      }
    }
    this.finish();
    ex.fail(
      'GW_UPSTREAM_UNAVAILABLE',
      `service ${ex.entry.service.service.name} did not take the call: ${error.message}`,
    );
  }

  /** A stream that closed with neither an end nor an error (a reset with NO_ERROR). */
  private onUpstreamClose(upstream: ClientHttp2Stream): void {
    if (this.upstream !== upstream || this.done) return;
    if (this.responded && this.trailers !== null) return;
    this.onUpstreamError(new Error(`stream closed (code ${upstream.rstCode ?? 'none'})`));
  }

  private onDeadline(deadlineMs: number): void {
    if (this.done) return;
    this.finish();
    this.upstream?.close(constants.NGHTTP2_CANCEL);
    const ex = this.ex;
    const instance = this.instance as UpstreamInstance;
    const selector = ex.entry.service.selector;
    if (this.serviceDeadline) selector.reportFailure(instance);
    else selector.release(instance);
    const detail = `the call did not finish within ${deadlineMs} ms`;
    if (!this.responded) {
      ex.fail('GW_UPSTREAM_TIMEOUT', detail);
      return;
    }
    ex.errorCode = 'GW_UPSTREAM_TIMEOUT';
    ex.answeredStatus = httpStatusForGrpc(GrpcStatus.DEADLINE_EXCEEDED);
    endWithTrailers(this.res, GrpcStatus.DEADLINE_EXCEEDED, detail);
  }

  /** The client reset the stream or went away: cancel the upstream call so it stops working. */
  private onClientClose(): void {
    if (this.done) return;
    this.finish();
    this.upstream?.close(constants.NGHTTP2_CANCEL);
    if (this.instance !== null) this.ex.entry.service.selector.release(this.instance);
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
  }
}

/** The client's metadata less hop-by-hop, gateway-owned and credential headers, plus the gateway's. */
function upstreamHeaders(ex: AdmittedExchange): OutgoingHttpHeaders {
  const headers: IncomingHttpHeaders = ex.req.headers;
  const credential = ex.outcome.credentialHeader;
  const out: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': ex.relativePath,
    te: 'trailers',
  };
  for (const name in headers) {
    // Pseudo-headers (':path', ':authority', …) are the gateway's to set.
    if (name.charCodeAt(0) === 0x3a || STRIPPED.has(name) || name === credential) continue;
    out[name] = headers[name];
  }
  out['x-request-id'] = ex.requestId;
  out['x-forwarded-for'] = ex.view.xForwardedFor;
  const consumer = ex.outcome.consumer;
  if (consumer !== null) {
    out['x-consumer-id'] = consumer.id;
    out['x-consumer-name'] = consumer.name;
  }
  return out;
}

function relayedHeaders(headers: Http2Headers): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) if (!STRIPPED_RESPONSE.has(name)) out[name] = headers[name];
  return out;
}
