import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CallOptions,
  type ClientReadableStream,
  status as GrpcStatus,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { type HttpMatch, messageToJson } from '@portico/grpc-schema';
import { digestMatches, type ExpectedDigest } from '../auth/signatures/content-digest';
import type { CompiledApi } from '../config/compiled-config';
import { type GatewayErrorCode, PROBLEM_CONTENT_TYPE } from '../errors/gateway-errors';
import { applyHeaderTransform } from '../policies/header-transform';
import { type AnsweredRequest, addGatewayHeaders } from '../proxy/response-headers';
import type { PickContext, UpstreamInstance } from '../upstream/upstream-selector';
import { type GrpcProblem, grpcProblem } from './grpc-problem';
import { encodeGrpcRequest, readBody } from './grpc-request';
import type { CompiledGrpcService } from './grpc-service';

/** What the proxy exchange lends a transcoded call: the request, and where results are noted. */
export interface TranscodeHost extends PickContext, AnsweredRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly method: string;
  /** The path below the API's base path, normalised. */
  readonly relativePath: string;
  readonly query: string;
  /** The body OpenAPI validation already read whole and checked; null when it did not read one. */
  readonly validatedBody: Buffer | null;
  readonly limitHeaders: Record<string, string> | null;
  /** The Content-Digest a signed request's body must match (null: none). */
  readonly bodyDigest: ExpectedDigest | null;
  /** Records the upstream attempt for analytics and metrics. */
  noteUpstream(outcome: UpstreamOutcome): void;
  fail(
    code: GatewayErrorCode,
    detail: string,
    extra?: Readonly<Record<string, string>> | null,
  ): void;
}

export interface UpstreamOutcome {
  instance: UpstreamInstance | null;
  upstreamMs: number | null;
  bytesIn: number;
  bytesOut: number;
  errorCode: GatewayErrorCode | null;
}

/** Messages pass through grpc-js as bytes: the transcoder encodes and decodes them itself. */
const asBuffer = (value: Buffer): Buffer => value;

/**
 * REST → gRPC: maps the request onto a method (annotations, else `POST /pkg.Service/Method`),
 * turns its JSON into a protobuf message, calls an instance with the service's total timeout as
 * the deadline, and answers JSON — or, for a server-streaming method, NDJSON or SSE by `Accept`,
 * pausing the upstream stream while the client is slow.
 */
export function transcodeToGrpc(
  host: TranscodeHost,
  entry: CompiledApi,
  grpc: CompiledGrpcService,
): void {
  if (grpc.pendingReason !== null) {
    host.fail('GW_UPSTREAM_UNAVAILABLE', grpc.pendingReason, { 'retry-after': '1' });
    return;
  }
  const match = grpc.routes.match(host.method, host.relativePath);
  if (match === null) {
    host.fail(
      'GW_ROUTE_NOT_FOUND',
      `no gRPC method is mapped to ${host.method} ${host.relativePath}`,
    );
    return;
  }
  if (match.route.method.requestStream) {
    host.fail(
      'GW_BAD_REQUEST',
      `${match.route.method.path} takes a client stream, which HTTP/JSON cannot send`,
    );
    return;
  }
  // Validation consumed the request stream to check its JSON: transcode the body it kept.
  if (host.validatedBody !== null) {
    new GrpcCall(host, entry, grpc, match, host.validatedBody).start();
    return;
  }
  readBody(host.req, entry.maxBodyBytes, (error, body) => {
    if (error !== null) {
      host.fail(error.code, error.detail);
      return;
    }
    if (host.bodyDigest !== null && !digestMatches(body, host.bodyDigest)) {
      host.fail('GW_DIGEST_MISMATCH', 'the request body does not match its Content-Digest');
      return;
    }
    new GrpcCall(host, entry, grpc, match, body).start();
  });
}

class GrpcCall {
  private readonly service;
  private readonly startedAt = performance.now();
  private instance: UpstreamInstance | null = null;
  private retriesLeft: number;
  private bytesIn = 0;
  private bytesOut = 0;
  private upstreamMs: number | null = null;
  private stream: ClientReadableStream<Buffer> | null = null;
  private finished = false;
  private request: Buffer = Buffer.alloc(0);

  constructor(
    private readonly host: TranscodeHost,
    private readonly entry: CompiledApi,
    private readonly grpc: CompiledGrpcService,
    private readonly match: HttpMatch,
    private readonly body: Buffer,
  ) {
    this.service = entry.service;
    this.retriesLeft = entry.service.service.retries.attempts;
  }

  start(): void {
    const encoded = this.encodeRequest();
    if (encoded === null) return;
    this.request = encoded;
    this.bytesIn = encoded.length;
    const selector = this.service.selector;
    if (!selector.admit()) {
      this.failAs(
        'GW_CIRCUIT_OPEN',
        `service ${this.service.service.name} is failing; the gateway stopped sending it requests for now`,
      );
      return;
    }
    const instance = selector.pick(this.host, this.host.req.headers);
    if (instance === null) {
      selector.abandon();
      this.failAs(
        'GW_NO_HEALTHY_UPSTREAM',
        `no healthy instance of service ${this.service.service.name}`,
        { 'retry-after': '1' },
      );
      return;
    }
    this.host.res.once('close', () => this.onClientClose());
    this.send(instance);
  }

  /** The JSON request as protobuf bytes, or null after answering 400. */
  private encodeRequest(): Buffer | null {
    const encoded = encodeGrpcRequest({
      match: this.match,
      body: this.body,
      query: this.host.query,
    });
    if (encoded.ok) return encoded.bytes;
    this.host.fail('GW_BAD_REQUEST', encoded.detail);
    return null;
  }

  private send(instance: UpstreamInstance): void {
    this.instance = instance;
    const client = this.grpc.clientFor(instance);
    const metadata = new Metadata();
    metadata.set('x-request-id', this.host.requestId);
    if (this.host.consumerId !== null) metadata.set('x-consumer-id', this.host.consumerId);
    const options: CallOptions = { deadline: Date.now() + this.remainingMs() };
    const method = this.match.route.method;
    if (method.responseStream) {
      const stream = client.makeServerStreamRequest(
        method.path,
        asBuffer,
        asBuffer,
        this.request,
        metadata,
        options,
      );
      this.stream = stream;
      this.streamTo(stream);
      return;
    }
    client.makeUnaryRequest(
      method.path,
      asBuffer,
      asBuffer,
      this.request,
      metadata,
      options,
      (error, response) => {
        this.upstreamMs = performance.now() - this.startedAt;
        if (error !== null || response === undefined) this.onError(error ?? null);
        else this.answerUnary(response);
      },
    );
  }

  private remainingMs(): number {
    const total = this.service.service.timeouts.totalMs;
    return Math.max(1, total - (performance.now() - this.startedAt));
  }

  private answerUnary(response: Buffer): void {
    const instance = this.instance as UpstreamInstance;
    this.service.selector.reportSuccess(instance);
    const res = this.host.res;
    if (res.destroyed) return;
    const type = this.match.route.method.responseType;
    const body = JSON.stringify(messageToJson(type, type.decode(response)));
    this.bytesOut = Buffer.byteLength(body);
    const headers = this.responseHeaders('application/json');
    headers.push('content-length', String(this.bytesOut));
    this.note(null);
    res.writeHead(200, headers);
    res.end(body);
  }

  /** Server streaming: one JSON document per message, as NDJSON or SSE events. */
  private streamTo(stream: ClientReadableStream<Buffer>): void {
    const res = this.host.res;
    const type = this.match.route.method.responseType;
    const sse = (this.host.req.headers.accept ?? '').includes('text/event-stream');
    let started = false;
    const begin = () => {
      if (started) return;
      started = true;
      this.upstreamMs = performance.now() - this.startedAt;
      const headers = this.responseHeaders(sse ? 'text/event-stream' : 'application/x-ndjson');
      headers.push('cache-control', 'no-store');
      res.writeHead(200, headers);
    };
    stream.on('data', (message: Buffer) => {
      begin();
      const json = JSON.stringify(messageToJson(type, type.decode(message)));
      const line = sse ? `data: ${json}\n\n` : `${json}\n`;
      this.bytesOut += Buffer.byteLength(line);
      if (!res.write(line)) {
        // Backpressure: stop reading the upstream (HTTP/2 flow control then holds the server).
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    stream.on('error', (error: ServiceError) => {
      if (!started) {
        this.onError(error);
        return;
      }
      if (this.finished) return;
      this.service.selector.reportSuccess(this.instance as UpstreamInstance);
      // Headers are gone: the failure travels in-band as the stream's last item.
      const problem = this.problem(error);
      const line = sse
        ? `event: error\ndata: ${problem.body}\n\n`
        : `${JSON.stringify({ error: JSON.parse(problem.body) })}\n`;
      this.note(problem.code);
      res.end(line);
    });
    stream.on('status', (status: { code: number }) => {
      if (status.code !== GrpcStatus.OK) return;
      begin();
      this.service.selector.reportSuccess(this.instance as UpstreamInstance);
      this.note(null);
      res.end();
    });
  }

  private onError(error: ServiceError | null): void {
    const instance = this.instance as UpstreamInstance;
    const selector = this.service.selector;
    const code = error?.code ?? GrpcStatus.UNKNOWN;
    if (this.finished) {
      selector.release(instance);
      return;
    }
    if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED)
      selector.reportFailure(instance);
    else selector.reportSuccess(instance);
    // UNAVAILABLE means the instance did not take the call: another instance may.
    if (
      code === GrpcStatus.UNAVAILABLE &&
      this.retriesLeft > 0 &&
      !this.host.res.destroyed &&
      selector.tryRetry()
    ) {
      const next = selector.pick(this.host, this.host.req.headers, instance);
      if (next !== null) {
        this.retriesLeft--;
        this.send(next);
        return;
      }
    }
    const problem = this.problem(error);
    this.note(problem.code);
    const res = this.host.res;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    res.writeHead(problem.status, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(problem.body),
      'x-request-id': this.host.requestId,
      'cache-control': 'no-store',
      ...this.host.limitHeaders,
    });
    res.end(problem.body);
  }

  private problem(error: ServiceError | null): GrpcProblem {
    return grpcProblem(error, {
      methodPath: this.match.route.method.path,
      totalMs: this.service.service.timeouts.totalMs,
      requestId: this.host.requestId,
    });
  }

  private responseHeaders(contentType: string): string[] {
    const headers = ['content-type', contentType];
    applyHeaderTransform(this.entry.responseHeaders, headers);
    addGatewayHeaders(this.host, this.entry, headers);
    return headers;
  }

  private note(errorCode: GatewayErrorCode | null): void {
    this.finished = true;
    this.host.noteUpstream({
      instance: this.instance,
      upstreamMs: this.upstreamMs,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      errorCode,
    });
  }

  private failAs(code: GatewayErrorCode, detail: string, extra?: Record<string, string>): void {
    this.finished = true;
    this.host.fail(code, detail, extra ?? null);
  }

  /** The client went away: cancel a call still running so the instance stops working for nobody. */
  private onClientClose(): void {
    if (this.finished) return;
    this.finished = true;
    this.stream?.cancel();
    this.host.noteUpstream({
      instance: this.instance,
      upstreamMs: this.upstreamMs,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      errorCode: null,
    });
  }
}
