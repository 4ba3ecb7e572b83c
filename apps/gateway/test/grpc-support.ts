import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { compileProtoSet, GOOGLE_API_HTTP_PROTO, HTTP_RULE_FIELD } from '@portico/grpc-schema';
import type protobuf from 'protobufjs';

/** The schema the gRPC tests and docs/grpc.md use. */
export const SHOP_PROTO = `syntax = "proto3";
package shop.v1;

import "google/api/annotations.proto";
import "google/protobuf/timestamp.proto";

enum Tier {
  TIER_UNSPECIFIED = 0;
  SILVER = 1;
  GOLD = 2;
}

message Order {
  int64 id = 1;
  Tier tier = 2;
  google.protobuf.Timestamp placed_at = 3;
  string note = 4;
  string served_by = 5;
}

message GetOrderRequest {
  int64 id = 1;
  string note = 2;
}

message FailRequest {
  int32 code = 1;
  string message = 2;
}

message SlowRequest {
  int32 delay_ms = 1;
}

message WatchRequest {
  int32 count = 1;
  int32 size = 2;
  int32 fail_after = 3;
}

message Tick {
  int32 seq = 1;
  string pad = 2;
}

service Orders {
  rpc GetOrder(GetOrderRequest) returns (Order) {
    option (google.api.http) = { get: "/v1/orders/{id}" };
  }
  rpc PutOrder(Order) returns (Order) {
    option (google.api.http) = { put: "/v1/orders/{id}" body: "*" };
  }
  rpc Fail(FailRequest) returns (Order);
  rpc Slow(SlowRequest) returns (Order);
  rpc Watch(WatchRequest) returns (stream Tick) {
    option (google.api.http) = { get: "/v1/ticks" };
  }
  rpc Sum(stream Tick) returns (Tick);
  rpc Chat(stream Tick) returns (stream Tick);
}
`;

type Json = Record<string, unknown>;

/** What the server saw, for assertions. */
export interface ShopServerState {
  calls: number;
  /** Stream messages the server has handed to grpc-js so far (it waits on 'drain'). */
  sent: number;
  lastDeadlineMs: number | null;
  lastMetadata: Record<string, unknown> | null;
  /** Streams the client side cancelled. */
  cancelled: number;
}

export interface ShopServer {
  port: number;
  name: string;
  state: ShopServerState;
  close(): Promise<void>;
  kill(): void;
}

/** The shop schema compiled as the gateway compiles proto sources (it always compiles). */
export function compiledShopSchema() {
  const set = compileProtoSet({ 'shop/v1/shop.proto': SHOP_PROTO });
  if (!set.ok) throw new Error(set.message);
  return set;
}

/** The shop service as grpc-js definitions (messages as plain objects), for servers and clients. */
export function definitionOf(): ServiceDefinition {
  const set = compiledShopSchema();
  const definition: Record<string, ServiceDefinition[string]> = {};
  for (const m of set.methods) {
    const req: protobuf.Type = m.requestType;
    const res: protobuf.Type = m.responseType;
    definition[m.name] = {
      path: m.path,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: (v: Json) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      requestDeserialize: (b: Buffer) =>
        req.toObject(req.decode(b), { longs: String, enums: String }),
      responseSerialize: (v: Json) => Buffer.from(res.encode(res.fromObject(v)).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), { longs: String }),
      originalName: m.name,
    };
  }
  return definition;
}

/**
 * The JSON the transcoder makes of the shop server's GetOrder answer for `id`: the tier and the
 * placement time it always answers (1_767_323_045.12 s), with any other fields expected.
 */
export function transcodedOrder(id: string, fields: Record<string, unknown> = {}) {
  return { id, tier: 'GOLD', placedAt: '2026-01-02T03:04:05.120Z', ...fields };
}

function remainingMs(deadline: Date | number): number | null {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at - Date.now() : null;
}

/** google/api/annotations.proto, for proto-loader (http.proto comes from @portico/grpc-schema). */
const GOOGLE_API_ANNOTATIONS = `syntax = "proto3";
package google.api;
import "google/api/http.proto";
import "google/protobuf/descriptor.proto";
extend google.protobuf.MethodOptions { HttpRule http = ${HTTP_RULE_FIELD}; }
`;

/** gRPC server reflection (v1 and v1alpha, @grpc/reflection) serving the shop schema. */
function addReflection(server: Server): void {
  const dir = mkdtempSync(join(tmpdir(), 'portico-shop-proto-'));
  try {
    mkdirSync(join(dir, 'shop/v1'), { recursive: true });
    mkdirSync(join(dir, 'google/api'), { recursive: true });
    writeFileSync(join(dir, 'shop/v1/shop.proto'), SHOP_PROTO);
    writeFileSync(join(dir, 'google/api/http.proto'), GOOGLE_API_HTTP_PROTO);
    writeFileSync(join(dir, 'google/api/annotations.proto'), GOOGLE_API_ANNOTATIONS);
    const definition = loadSync('shop/v1/shop.proto', { includeDirs: [dir] });
    new ReflectionService(definition).addToServer(server);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real @grpc/grpc-js server on an ephemeral loopback port (h2c). */
export async function startShopServer(
  name = 'shop-1',
  options: { reflection?: boolean; tls?: { certPem: string; keyPem: string } } = {},
): Promise<ShopServer> {
  const state: ShopServerState = {
    calls: 0,
    sent: 0,
    lastDeadlineMs: null,
    lastMetadata: null,
    cancelled: 0,
  };
  const server = new Server();
  const getOrder: handleUnaryCall<Json, Json> = (call, callback) => {
    state.calls++;
    state.lastDeadlineMs = remainingMs(call.getDeadline());
    state.lastMetadata = call.metadata.getMap();
    callback(null, {
      id: call.request.id,
      tier: 'GOLD',
      placedAt: { seconds: 1_767_323_045, nanos: 120_000_000 },
      note: call.request.note ?? '',
      servedBy: name,
    });
  };
  const putOrder: handleUnaryCall<Json, Json> = (call, callback) => {
    state.calls++;
    callback(null, { ...call.request, servedBy: name });
  };
  const fail: handleUnaryCall<Json, Json> = (call, callback) => {
    state.calls++;
    callback({ code: Number(call.request.code), details: String(call.request.message) }, null);
  };
  const slow: handleUnaryCall<Json, Json> = (call, callback) => {
    state.calls++;
    state.lastDeadlineMs = remainingMs(call.getDeadline());
    const timer = setTimeout(() => callback(null, { id: '1' }), Number(call.request.delayMs));
    call.on('cancelled', () => clearTimeout(timer));
  };
  const watch: handleServerStreamingCall<Json, Json> = async (call) => {
    state.calls++;
    const count = Number(call.request.count);
    const pad = 'x'.repeat(Number(call.request.size ?? 0));
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
      state.cancelled++;
      // A write waiting for 'drain' would wait forever on a cancelled call.
      call.emit('drain');
    });
    const failAfter = Number(call.request.failAfter ?? 0);
    for (let seq = 1; seq <= count && !cancelled; seq++) {
      if (failAfter > 0 && seq > failAfter) {
        call.emit('error', { code: 9, details: 'ran out of ticks' });
        return;
      }
      state.sent++;
      // Proto3 writers leave empty fields off the wire.
      if (!call.write(pad === '' ? { seq } : { seq, pad }))
        await new Promise((r) => call.once('drain', r));
    }
    if (!cancelled) call.end();
  };
  // Client streaming: the sum of the seqs sent, and how many arrived (in pad).
  const sum: handleClientStreamingCall<Json, Json> = (call, callback) => {
    state.calls++;
    let total = 0;
    let count = 0;
    call.on('data', (tick: Json) => {
      total += Number(tick.seq ?? 0);
      count++;
    });
    call.on('end', () => callback(null, { seq: total, pad: String(count) }));
  };
  // Bidirectional: each tick answered at once with its seq doubled.
  const chat: handleBidiStreamingCall<Json, Json> = (call) => {
    state.calls++;
    call.on('data', (tick: Json) => call.write({ seq: Number(tick.seq ?? 0) * 2 }));
    call.on('end', () => call.end());
  };
  const implementation: UntypedServiceImplementation = {
    GetOrder: getOrder,
    PutOrder: putOrder,
    Fail: fail,
    Slow: slow,
    Watch: watch,
    Sum: sum,
    Chat: chat,
  };
  server.addService(definitionOf(), implementation);
  if (options.reflection === true) addReflection(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      options.tls === undefined
        ? ServerCredentials.createInsecure()
        : ServerCredentials.createSsl(
            null,
            [
              {
                cert_chain: Buffer.from(options.tls.certPem),
                private_key: Buffer.from(options.tls.keyPem),
              },
            ],
            false,
          ),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return {
    port,
    name,
    state,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
    kill: () => server.forceShutdown(),
  };
}

/** A gRPC service entry of a snapshot, with the shop schema. */
export function grpcService(id: string, ports: number[], extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    protocol: 'grpc',
    grpc: { protoFiles: { 'shop/v1/shop.proto': SHOP_PROTO } },
    targets: ports.map((port) => ({ host: '127.0.0.1', port })),
    ...extra,
  };
}
