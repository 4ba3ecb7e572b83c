import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticated, AuthOutcome } from '../auth/auth-outcome';
import { type AuthHost, authChallenge, authenticate } from '../auth/request-auth';
import { digestMatches, type ExpectedDigest } from '../auth/signatures/content-digest';
import type { CompiledApi, CompiledConfig } from '../config/compiled-config';
import type { CredentialTable } from '../config/credential-table';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import { addCorsFor, answerPreflight } from '../policies/cors';
import { forwardedHeadersFor } from '../proxy/forwarded-headers';
import { normalisePath } from '../proxy/path-normaliser';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { requestIdFrom } from '../proxy/request-identity';
import {
  ADDRESS_REFUSED_DETAIL,
  addressRefused,
  headerBytes,
  headersTooLargeDetail,
} from '../proxy/request-limits';
import { sendRefusal } from '../proxy/send-problem';
import type { CompiledMcp, McpUpstream } from './compiled-mcp';
import {
  classifyMessage,
  errorMessage,
  JSON_RPC,
  type JsonRpcRequest,
  rawResultMessage,
  resultMessage,
} from './json-rpc';
import {
  initializeResult,
  type McpEndpoint,
  SUPPORTED_VERSIONS,
  toolListJson,
} from './mcp-local-methods';
import { McpProxyCall } from './mcp-proxy';
import { ToolCall, type ToolCallRecord } from './tool-call';

/** Largest JSON-RPC message accepted, whatever the API's own body limit (which may be lower). */
export const MAX_MCP_MESSAGE_BYTES = 4 * 1024 * 1024;

const JSON_CONTENT_TYPE = 'application/json';

/** The API whose MCP endpoint `req` addresses, or null when it addresses none (proxy it). */
export function mcpEntryFor(config: CompiledConfig, req: IncomingMessage): CompiledApi | null {
  const method = req.method;
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE' && method !== 'OPTIONS')
    return null;
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  if (!config.mcpPaths.has(rawPath)) return null;
  const normalised = normalisePath(rawPath);
  if (!normalised.ok) return null;
  const match = config.router.match(req.headers.host, 'POST', normalised.path);
  if (match.kind === 'no-api') return null;
  const mcp = match.entry.mcp;
  return mcp !== null && mcp.endpointPath === normalised.path ? match.entry : null;
}

/**
 * One HTTP request to an API's MCP endpoint (Streamable HTTP, stateless: one JSON-RPC message
 * per POST, answered with one JSON body). The same checks as a REST request on the way in —
 * header and body size, address rules, the API's authentication — then the message: lifecycle
 * and listing are answered here, a tool call runs through `ToolCall` (plan, limits, upstream).
 * One analytics event per exchange; for a tool call it carries the tool, its route and the
 * upstream's answer.
 */
export class McpExchange implements AuthHost, McpEndpoint {
  readonly requestId: string;
  private readonly startedAt = performance.now();
  readonly mcp: CompiledMcp;
  /** Tools are checked per route when called: the endpoint authenticates on the API's catch-all. */
  readonly routeId = null;
  query = '';
  private outcome: Authenticated | null = null;
  /** The Content-Digest a signed message must match (AuthHost). */
  bodyDigest: ExpectedDigest | null = null;
  private clientIp: string | null = null;
  private errorCode: GatewayErrorCode | null = null;
  private bytesIn = 0;
  private bytesOut = 0;
  private toolRecord: ToolCallRecord | null = null;
  private finished = false;

  constructor(
    readonly deps: ProxyDeps,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly entry: CompiledApi,
    readonly config: CompiledConfig,
    readonly credentials: CredentialTable,
  ) {
    this.requestId = requestIdFrom(req.headers['x-request-id']);
    this.mcp = entry.mcp as CompiledMcp; // mcpEntryFor only returns APIs with an endpoint
    deps.metrics.inFlight++;
    res.once('close', () => this.onClose());
  }

  start(): void {
    const { req, entry } = this;
    if (req.method === 'OPTIONS') {
      this.preflight();
      return;
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      this.sendJson(
        405,
        errorMessage(
          null,
          JSON_RPC.INVALID_REQUEST,
          'Method not allowed: send JSON-RPC messages with POST; this endpoint offers no event stream and keeps no sessions',
        ),
        { allow: 'POST' },
      );
      return;
    }
    if (headerBytes(req.rawHeaders) > entry.maxHeaderBytes) {
      this.fail('GW_HEADERS_TOO_LARGE', headersTooLargeDetail(entry.maxHeaderBytes));
      return;
    }
    const limit = Math.min(entry.maxBodyBytes, MAX_MCP_MESSAGE_BYTES);
    const contentLength = req.headers['content-length'];
    if (contentLength !== undefined && Number(contentLength) > limit) {
      this.tooLarge(limit);
      return;
    }
    const view = forwardedHeadersFor(req, entry.trustedProxies);
    this.clientIp = view.clientIp;
    if (addressRefused(entry, view.clientIp)) {
      this.fail('GW_FORBIDDEN', ADDRESS_REFUSED_DETAIL);
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) {
      this.sendJson(
        415,
        errorMessage(
          null,
          JSON_RPC.INVALID_REQUEST,
          'Unsupported Media Type: send the JSON-RPC message as application/json',
        ),
      );
      return;
    }
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_VERSIONS.has(version)) {
      this.sendJson(
        400,
        errorMessage(
          null,
          JSON_RPC.INVALID_REQUEST,
          `Bad Request: unsupported MCP-Protocol-Version ${version} (supported: ${[...SUPPORTED_VERSIONS].join(', ')})`,
        ),
      );
      return;
    }

    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    this.query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    // Each tool's route is checked when it is called; the caller needs the API's own scopes.
    authenticate(this, entry, this.config);
  }

  /** CORS preflight for browser-based clients, by the API's CORS policy. */
  private preflight(): void {
    const cors = this.entry.cors;
    if (cors !== null && answerPreflight(this, cors)) return;
    this.sendJson(
      405,
      errorMessage(null, JSON_RPC.INVALID_REQUEST, 'Method not allowed: send JSON-RPC with POST'),
      { allow: 'POST' },
    );
  }

  /** The API's authentication decided (AuthHost): the message is read only for a known caller. */
  afterAuth(outcome: AuthOutcome): void {
    if (!outcome.ok) {
      this.fail(outcome.code, outcome.detail, authChallenge(outcome.code, outcome.challenge));
      return;
    }
    this.outcome = outcome;
    this.readBody(Math.min(this.entry.maxBodyBytes, MAX_MCP_MESSAGE_BYTES));
  }

  private readBody(limit: number): void {
    const chunks: Buffer[] = [];
    let tooLarge = false;
    this.req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      this.bytesIn += chunk.length;
      if (this.bytesIn > limit) {
        tooLarge = true;
        this.tooLarge(limit);
        return;
      }
      chunks.push(chunk);
    });
    this.req.once('end', () => {
      if (!tooLarge) this.onMessage(Buffer.concat(chunks));
    });
    this.req.once('error', () => this.res.destroy());
  }

  private onMessage(raw: Buffer): void {
    if (this.bodyDigest !== null && !digestMatches(raw, this.bodyDigest)) {
      this.fail('GW_DIGEST_MISMATCH', 'the request body does not match its Content-Digest');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      this.sendJson(
        400,
        errorMessage(
          null,
          JSON_RPC.PARSE_ERROR,
          `Parse error: the body is not valid JSON (${(error as Error).message})`,
        ),
      );
      return;
    }
    const message = classifyMessage(body);
    const upstream = this.mcp.upstream;
    if (upstream !== null && message.kind !== 'invalid') {
      this.relay(raw, message.kind === 'request' ? message.request : null, upstream);
      return;
    }
    if (message.kind === 'notification') {
      this.res.writeHead(202, { 'x-request-id': this.requestId, 'content-length': 0 });
      this.res.end();
      return;
    }
    if (message.kind === 'invalid') {
      this.sendJson(400, errorMessage(message.id, JSON_RPC.INVALID_REQUEST, message.message));
      return;
    }
    this.dispatch(message.request);
  }

  private dispatch(request: JsonRpcRequest): void {
    const { id, method } = request;
    switch (method) {
      case 'initialize':
        this.sendJson(200, resultMessage(id, initializeResult(this, request.params)));
        return;
      case 'ping':
        this.sendJson(200, resultMessage(id, {}));
        return;
      case 'tools/list':
        this.sendJson(
          200,
          rawResultMessage(id, toolListJson(this, this.outcome?.consumer ?? null)),
        );
        return;
      case 'tools/call':
        new ToolCall(this.deps, {
          id,
          params: request.params,
          entry: this.entry,
          config: this.config,
          credentials: this.credentials,
          outcome: this.outcome as Authenticated, // authenticated before the body
          req: this.req,
          clientIp: this.clientIp as string, // set before authentication
          requestId: this.requestId,
          answer: (status, json, record) => {
            this.toolRecord = record;
            this.errorCode = record.errorCode;
            this.sendJson(status, json);
          },
        }).start();
        return;
      default:
        this.sendJson(
          200,
          errorMessage(
            id,
            JSON_RPC.METHOD_NOT_FOUND,
            `Method not found: ${method} (this server offers tools only)`,
          ),
        );
    }
  }

  /** The API's service is an MCP server: relay the message through the gateway's checks. */
  private relay(raw: Buffer, request: JsonRpcRequest | null, upstream: McpUpstream): void {
    new McpProxyCall(this.deps, {
      raw,
      request,
      entry: this.entry,
      upstream,
      outcome: this.outcome as Authenticated, // authenticated before the body
      req: this.req,
      clientIp: this.clientIp as string, // set before authentication
      requestId: this.requestId,
      answer: (status, body, headers, record) => {
        this.toolRecord = record;
        this.errorCode = record.errorCode;
        this.send(status, body, headers);
      },
    }).start();
  }

  private tooLarge(limit: number): void {
    this.errorCode = 'GW_PAYLOAD_TOO_LARGE';
    this.sendJson(
      413,
      errorMessage(
        null,
        JSON_RPC.INVALID_REQUEST,
        `Payload Too Large: the message exceeds this endpoint's limit of ${limit} bytes`,
      ),
      // The rest of the body is not read: the connection cannot be reused.
      { connection: 'close' },
    );
  }

  fail(
    code: GatewayErrorCode,
    detail: string,
    extra?: Readonly<Record<string, string>> | null,
  ): void {
    this.errorCode = code;
    sendRefusal(this, code, detail, extra);
  }

  private sendJson(status: number, body: string, extra?: Record<string, string>): void {
    this.send(status, body, { 'content-type': JSON_CONTENT_TYPE, ...extra });
  }

  private send(status: number, body: string | Buffer, headers: Record<string, string>): void {
    const res = this.res;
    if (res.headersSent || res.destroyed) return;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    this.bytesOut = length;
    const list: string[] = [];
    for (const name in headers) list.push(name, headers[name] as string);
    list.push(
      'content-length',
      String(length),
      'x-request-id',
      this.requestId,
      'cache-control',
      'no-store',
    );
    // Browser-based MCP clients need the API's CORS policy on the answer too (the preflight is
    // answered by the REST path, which handles OPTIONS).
    addCorsFor(this.entry.cors, this.req, list);
    res.writeHead(status, list);
    res.end(body);
  }

  private onClose(): void {
    if (this.finished) return;
    this.finished = true;
    const { deps, res, entry } = this;
    deps.metrics.inFlight--;
    const totalMs = performance.now() - this.startedAt;
    const httpStatus = res.headersSent ? res.statusCode : 499;
    deps.metrics.observe(httpStatus, this.errorCode, totalMs);
    const tool = this.toolRecord;
    const consumer = this.outcome?.consumer ?? null;
    deps.analytics.record({
      time: Math.round(Date.now() - totalMs),
      requestId: this.requestId,
      apiId: entry.api.id,
      routeId: tool?.routeId ?? null,
      serviceId: entry.api.serviceId,
      instance: tool?.instance ?? null,
      consumerId: consumer?.id ?? null,
      keyId: this.outcome?.keyId ?? null,
      // A tool call is counted as the operation it ran, with the upstream's (or the gateway's)
      // status, so it sits beside the same REST request in usage.
      method: tool?.method ?? 'POST',
      status: tool?.status ?? httpStatus,
      totalMs,
      upstreamMs: tool?.upstreamMs ?? null,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      clientIp: this.clientIp,
      errorCode: this.errorCode,
      tool: tool?.tool ?? null,
    });
  }
}
