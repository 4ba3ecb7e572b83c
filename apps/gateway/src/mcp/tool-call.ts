import type { IncomingMessage } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AuthOutcome } from '../auth/auth-outcome';
import { resolveAccess } from '../auth/consumer-access';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import { matchRoute } from '../config/routing-table';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../errors/gateway-errors';
import type { LimitDecision, LimitWaiter } from '../limits/index';
import { applyHeaderTransform } from '../policies/header-transform';
import { forwardedHeadersFor } from '../proxy/forwarded-headers';
import { limitCheckFor, limitRefusalCode } from '../proxy/limit-check';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { pushConsumerHeaders, pushForwardingHeaders } from '../proxy/upstream-headers';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import type { CompiledTool } from './compiled-mcp';
import { errorMessage, JSON_RPC, type JsonRpcId, refusalMessage, resultMessage } from './json-rpc';
import { callUpstream, MAX_UPSTREAM_ANSWER_BYTES } from './upstream-call';

/** What a finished tool call contributes to the exchange's analytics event. */
export interface ToolCallRecord {
  tool: string | null;
  routeId: string | null;
  method: string | null;
  /** The upstream's status, or the status of the gateway's refusal; null when none applies. */
  status: number | null;
  instance: string | null;
  upstreamMs: number | null;
  errorCode: GatewayErrorCode | null;
}

export interface ToolCallContext {
  id: JsonRpcId;
  params: Record<string, unknown>;
  entry: CompiledApi;
  config: CompiledConfig;
  credentials: CredentialTable;
  outcome: AuthOutcome & { ok: true };
  req: IncomingMessage;
  clientIp: string;
  requestId: string;
  /** Called exactly once with the HTTP status and JSON-RPC message to send. */
  answer(status: number, json: string, record: ToolCallRecord): void;
}

/** Headers never taken from the MCP request for the upstream call. */
const CONTENT_HEADERS = ['content-type', 'application/json', 'accept', 'application/json'];

/** What an HTTP header value may hold (no line breaks or other control characters). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function argumentText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One `tools/call`: the same pipeline a REST request goes through, in the same order. The
 * arguments are checked against the tool's compiled schema first (nothing leaves the gateway
 * for a bad call); the path built from them is routed like a REST path; the caller's plans must
 * include that route; the plan's limits count the call as one request; then the upstream is
 * called with the service's balancing, retries, circuit breaker and timeouts, and its answer
 * becomes the tool result (`isError` with the status and body when it is 4xx/5xx).
 */
export class ToolCall implements LimitWaiter {
  private compiled: CompiledTool | null = null;
  private routeId: string | null = null;
  private upstreamPath = '';
  private headers: string[] = [];
  private body: string | null = null;
  private instance: UpstreamInstance | null = null;
  private upstreamMs: number | null = null;

  constructor(
    private readonly deps: ProxyDeps,
    private readonly ctx: ToolCallContext,
  ) {}

  start(): void {
    const { ctx } = this;
    const name = ctx.params.name;
    if (typeof name !== 'string') {
      this.invalid('Invalid params: tools/call needs "name", the tool to call');
      return;
    }
    const compiled = ctx.entry.mcp?.tools.get(name);
    if (compiled === undefined) {
      this.invalid(`Unknown tool: ${name}`);
      return;
    }
    this.compiled = compiled;
    const args = ctx.params.arguments ?? {};
    if (!isRecord(args)) {
      this.invalid(`Invalid arguments for tool ${name}: "arguments" must be an object`);
      return;
    }
    if (!compiled.validate(args)) {
      const errors = compiled.validate.errors ?? [];
      const text = errors
        .map(
          (e) =>
            `${e.instancePath === '' ? 'arguments' : `arguments${e.instancePath.replace(/\//g, '.')}`} ${e.message ?? 'is invalid'}`,
        )
        .join('; ');
      this.invalid(`Invalid arguments for tool ${name}: ${text}`, {
        errors: errors.map((e) => ({ path: e.instancePath, message: e.message ?? 'invalid' })),
      });
      return;
    }
    const badHeader = compiled.headerParams.find(
      (param) => args[param] !== undefined && !HEADER_VALUE.test(argumentText(args[param])),
    );
    if (badHeader !== undefined) {
      this.invalid(
        `Invalid arguments for tool ${name}: arguments.${badHeader} cannot be sent as an HTTP header value`,
      );
      return;
    }
    const relativePath = this.buildRequest(compiled, args);
    const entry = ctx.entry;
    const route = matchRoute(entry.routes, compiled.tool.method, relativePath);
    if (route === null) {
      this.refuse('GW_ROUTE_NOT_FOUND', `no route matches ${compiled.tool.method} ${relativePath}`);
      return;
    }
    this.routeId = route.id === '' ? null : route.id;
    let outcome = ctx.outcome;
    const consumer = outcome.consumer;
    if (consumer !== null) {
      // The endpoint only checked that some plan includes the API: this route decides the plan.
      const access = resolveAccess(
        consumer,
        entry.api.id,
        this.routeId,
        ctx.config,
        ctx.credentials,
      );
      if (!access.ok) {
        this.refuse('GW_FORBIDDEN', access.detail);
        return;
      }
      outcome = { ...outcome, plan: access.plan };
    }
    const limiter = this.deps.limiter;
    const check = limiter === null ? null : limitCheckFor(outcome, entry, ctx.clientIp);
    if (limiter !== null && check !== null) {
      limiter.submit(check, this);
      return;
    }
    this.callUpstream();
  }

  /** The limiter's answer (LimitWaiter): the same decision a REST request gets. */
  onLimitDecision(decision: LimitDecision): void {
    if (!decision.allowed) {
      this.refuse(
        limitRefusalCode(decision.reason),
        decision.detail ?? 'limit reached',
        decision.headers,
      );
      return;
    }
    this.callUpstream();
  }

  /** Fills path, headers and body from the arguments; returns the path below the base path. */
  private buildRequest(compiled: CompiledTool, args: Record<string, unknown>): string {
    const { ctx } = this;
    const parts = compiled.pathParts;
    let relativePath = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      // Odd parts are parameter names; a value never adds a segment or leaves the path.
      relativePath += i % 2 === 0 ? part : encodeURIComponent(argumentText(args[part]));
    }
    let query = '';
    for (const name of compiled.queryParams) {
      const value = args[name];
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value])
        query += `${query.length === 0 ? '' : '&'}${encodeURIComponent(name)}=${encodeURIComponent(argumentText(item))}`;
    }
    const entry = ctx.entry;
    const view = forwardedHeadersFor(ctx.req, entry.trustedProxies);
    const headers: string[] = [...CONTENT_HEADERS];
    for (const param of compiled.headerParams) {
      const value = args[param];
      if (value !== undefined) headers.push(param.toLowerCase(), argumentText(value));
    }
    pushForwardingHeaders(headers, { req: ctx.req, requestId: ctx.requestId, view });
    headers.push('x-portico-mcp-tool', compiled.tool.name);
    const consumer = ctx.outcome.consumer;
    if (consumer !== null) pushConsumerHeaders(headers, consumer);
    if (compiled.tool.hasBody && args.body !== undefined) {
      this.body = JSON.stringify(args.body);
      headers.push('content-length', String(Buffer.byteLength(this.body)));
    }
    applyHeaderTransform(entry.requestHeaders, headers);
    this.headers = headers;
    const path = entry.api.stripBasePath
      ? relativePath
      : entry.api.basePath === '/'
        ? relativePath
        : `${entry.api.basePath}${relativePath}`;
    this.upstreamPath = query.length > 0 ? `${path}?${query}` : path;
    return relativePath;
  }

  private callUpstream(): void {
    const { ctx } = this;
    const compiled = this.compiled as CompiledTool; // set before any upstream call
    callUpstream(ctx.entry, {
      method: compiled.tool.method as Dispatcher.HttpMethod,
      path: this.upstreamPath,
      headers: this.headers,
      body: this.body,
      pickContext: { consumerId: ctx.outcome.consumer?.id ?? null, clientIp: ctx.clientIp },
      clientHeaders: ctx.req.headers,
    }).then(
      (answer) => {
        this.instance = answer.instance;
        this.upstreamMs = answer.upstreamMs;
        if (!answer.ok) this.refuse(answer.code, answer.detail);
        else if (answer.body === null)
          this.toolResult(
            answer.status,
            null,
            `the upstream answer exceeds ${MAX_UPSTREAM_ANSWER_BYTES} bytes`,
          );
        else {
          const contentType = answer.headers['content-type'];
          this.toolResult(
            answer.status,
            typeof contentType === 'string' ? contentType : null,
            answer.body.toString('utf8'),
          );
        }
      },
      (error: unknown) => {
        this.deps.log.error(`MCP tool call failed unexpectedly (${ctx.requestId})`, error);
        this.refuse('GW_INTERNAL', 'internal gateway error');
      },
    );
  }

  /** The upstream's answer as a tool result: text always, structured content where declared. */
  private toolResult(status: number, contentType: string | null, text: string): void {
    const tool = (this.compiled as CompiledTool).tool;
    const isJson = contentType !== null && /[/+]json\b/i.test(contentType);
    let parsed: unknown;
    if (isJson) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const result: Record<string, unknown> =
      status >= 400
        ? {
            // No structuredContent: clients check it against the success schema.
            content: [{ type: 'text', text: `upstream answered ${status}: ${text}` }],
            isError: true,
            _meta: { 'portico.dev/upstreamStatus': status },
          }
        : {
            content: [{ type: 'text', text }],
            ...(tool.outputSchema !== undefined && isRecord(parsed)
              ? { structuredContent: parsed }
              : {}),
          };
    this.ctx.answer(200, resultMessage(this.ctx.id, result), this.record(status, null));
  }

  private invalid(message: string, data?: unknown): void {
    this.ctx.answer(
      200,
      errorMessage(this.ctx.id, JSON_RPC.INVALID_PARAMS, message, data),
      this.record(null, null),
    );
  }

  private refuse(
    code: GatewayErrorCode,
    detail: string,
    headers?: Record<string, string> | null,
  ): void {
    const json = refusalMessage(this.ctx.id, code, detail, this.ctx.requestId, headers);
    this.ctx.answer(200, json, this.record(GATEWAY_ERRORS[code].status, code));
  }

  private record(status: number | null, errorCode: GatewayErrorCode | null): ToolCallRecord {
    return {
      tool: this.compiled?.tool.name ?? null,
      routeId: this.routeId,
      method: this.compiled?.tool.method ?? null,
      status,
      instance: this.instance?.id ?? null,
      upstreamMs: this.upstreamMs,
      errorCode,
    };
  }
}
