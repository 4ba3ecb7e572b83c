import type { IncomingMessage } from 'node:http';
import type { AuthOutcome } from '../auth/auth-outcome';
import type { CompiledApi } from '../config/compiled-config';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../errors/gateway-errors';
import type { LimitDecision, LimitWaiter } from '../limits/index';
import { applyHeaderTransform } from '../policies/header-transform';
import { forwardedHeadersFor } from '../proxy/forwarded-headers';
import { limitCheckFor, limitRefusalCode } from '../proxy/limit-check';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { pushConsumerHeaders, pushForwardingHeaders } from '../proxy/upstream-headers';
import type { UpstreamInstance } from '../upstream/upstream-selector';
import { type McpUpstream, upstreamToolAllowed } from './compiled-mcp';
import { errorMessage, JSON_RPC, type JsonRpcRequest, refusalMessage } from './json-rpc';
import type { ToolCallRecord } from './tool-call';
import { callUpstream, MAX_UPSTREAM_ANSWER_BYTES } from './upstream-call';

/** Request headers an MCP client sends that the upstream server needs to see as they are. */
const RELAYED_REQUEST_HEADERS = ['mcp-protocol-version', 'mcp-session-id', 'last-event-id'];

export interface McpProxyContext {
  /** The message as received; relayed byte for byte. */
  raw: Buffer;
  /** Null for notifications and responses, which are relayed without a look inside. */
  request: JsonRpcRequest | null;
  entry: CompiledApi;
  upstream: McpUpstream;
  outcome: AuthOutcome & { ok: true };
  req: IncomingMessage;
  clientIp: string;
  requestId: string;
  /** Called exactly once with what to send back. */
  answer(
    status: number,
    body: string | Buffer,
    headers: Record<string, string>,
    record: ToolCallRecord,
  ): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON-RPC message answering `id` in an upstream reply, which a Streamable HTTP server
 * sends as JSON or as a short event stream (`data:` lines); null when none is found.
 */
export function replyFor(
  contentType: string,
  body: string,
  id: unknown,
): Record<string, unknown> | null {
  const candidates: unknown[] = [];
  if (contentType.startsWith('text/event-stream')) {
    for (const event of body.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data.length === 0) continue;
      try {
        candidates.push(JSON.parse(data));
      } catch {
        // Not JSON: not a JSON-RPC message.
      }
    }
  } else {
    try {
      candidates.push(JSON.parse(body));
    } catch {
      return null;
    }
  }
  const found = candidates.find((c) => isRecord(c) && c.id === id);
  return isRecord(found) ? found : null;
}

/**
 * One message to an API whose service is itself an MCP server. Everything is relayed (session
 * and protocol headers included) with the gateway's own request identity and the caller's
 * consumer headers; what the gateway governs it does here: a `tools/call` of a tool the API
 * does not offer is refused as unknown without reaching the server, an allowed one takes one
 * admission from the caller's plan, and `tools/list` answers are filtered to the offered tools.
 */
export class McpProxyCall implements LimitWaiter {
  private tool: string | null = null;
  private instance: UpstreamInstance | null = null;
  private upstreamMs: number | null = null;

  constructor(
    private readonly deps: ProxyDeps,
    private readonly ctx: McpProxyContext,
  ) {}

  start(): void {
    const { ctx } = this;
    const request = ctx.request;
    if (request?.method === 'tools/call') {
      const name = request.params.name;
      if (typeof name !== 'string' || !upstreamToolAllowed(ctx.upstream, name)) {
        ctx.answer(
          200,
          errorMessage(request.id, JSON_RPC.INVALID_PARAMS, `Unknown tool: ${String(name)}`),
          { 'content-type': 'application/json' },
          this.record(null, null),
        );
        return;
      }
      this.tool = name;
      const limiter = this.deps.limiter;
      const check = limiter === null ? null : limitCheckFor(ctx.outcome, ctx.entry, ctx.clientIp);
      if (limiter !== null && check !== null) {
        limiter.submit(check, this);
        return;
      }
    }
    this.relay();
  }

  onLimitDecision(decision: LimitDecision): void {
    if (!decision.allowed) {
      this.refuse(
        limitRefusalCode(decision.reason),
        decision.detail ?? 'limit reached',
        decision.headers,
      );
      return;
    }
    this.relay();
  }

  private relay(): void {
    const { ctx } = this;
    const req = ctx.req;
    const view = forwardedHeadersFor(req, ctx.entry.trustedProxies);
    const headers = [
      'content-type',
      'application/json',
      'accept',
      'application/json, text/event-stream',
      'content-length',
      String(ctx.raw.length),
    ];
    for (const name of RELAYED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.push(name, value);
    }
    pushForwardingHeaders(headers, { req, requestId: ctx.requestId, view });
    const consumer = ctx.outcome.consumer;
    if (consumer !== null) pushConsumerHeaders(headers, consumer);
    applyHeaderTransform(ctx.entry.requestHeaders, headers);
    callUpstream(ctx.entry, {
      method: 'POST',
      path: ctx.upstream.path,
      headers,
      body: ctx.raw.toString('utf8'),
      pickContext: { consumerId: consumer?.id ?? null, clientIp: ctx.clientIp },
      clientHeaders: req.headers,
    }).then(
      (answer) => {
        this.instance = answer.instance;
        this.upstreamMs = answer.upstreamMs;
        if (!answer.ok) {
          this.refuse(answer.code, answer.detail);
          return;
        }
        if (answer.body === null) {
          this.refuse(
            'GW_UPSTREAM_UNAVAILABLE',
            `the MCP server's answer exceeds ${MAX_UPSTREAM_ANSWER_BYTES} bytes`,
          );
          return;
        }
        const contentType = String(answer.headers['content-type'] ?? 'application/json');
        const relayed: Record<string, string> = { 'content-type': contentType };
        const session = answer.headers['mcp-session-id'];
        if (typeof session === 'string') relayed['mcp-session-id'] = session;
        const record = this.record(answer.status, null);
        if (ctx.request?.method === 'tools/list' && answer.status === 200) {
          const reply = replyFor(contentType, answer.body.toString('utf8'), ctx.request.id);
          if (reply !== null && isRecord(reply.result) && Array.isArray(reply.result.tools)) {
            const tools = reply.result.tools.filter(
              (tool: unknown) =>
                isRecord(tool) &&
                typeof tool.name === 'string' &&
                upstreamToolAllowed(ctx.upstream, tool.name),
            );
            relayed['content-type'] = 'application/json';
            ctx.answer(
              200,
              JSON.stringify({ ...reply, result: { ...reply.result, tools } }),
              relayed,
              record,
            );
            return;
          }
        }
        ctx.answer(answer.status, answer.body, relayed, record);
      },
      (error: unknown) => {
        this.deps.log.error(`MCP relay failed unexpectedly (${ctx.requestId})`, error);
        this.refuse('GW_INTERNAL', 'internal gateway error');
      },
    );
  }

  private refuse(
    code: GatewayErrorCode,
    detail: string,
    limitHeaders?: Record<string, string> | null,
  ): void {
    const { ctx } = this;
    const status = GATEWAY_ERRORS[code].status;
    if (ctx.request === null) {
      // A notification has no id to answer: the HTTP status carries the refusal.
      ctx.answer(status, '', {}, this.record(status, code));
      return;
    }
    ctx.answer(
      200,
      refusalMessage(ctx.request.id, code, detail, ctx.requestId, limitHeaders),
      { 'content-type': 'application/json' },
      this.record(status, code),
    );
  }

  private record(status: number | null, errorCode: GatewayErrorCode | null): ToolCallRecord {
    return {
      tool: this.tool,
      routeId: null,
      method: 'POST',
      status,
      instance: this.instance?.id ?? null,
      upstreamMs: this.upstreamMs,
      errorCode,
    };
  }
}
