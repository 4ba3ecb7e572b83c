import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { expect } from 'vitest';
import { definitionOf } from './grpc-support';

/*
 * The client side of the gRPC tests: calls to the shop's Orders service, straight to a server or
 * through a gateway.
 */

type Json = Record<string, unknown>;

/** A grpc-js client of the shop's Orders service, its methods looked up by name. */
export type ShopClient = Client & Record<string, (...args: unknown[]) => unknown>;

/**
 * A client of the shop's Orders service for a loopback port: plain h2c unless `channel` says
 * otherwise (TLS with a CA, for the gateway's TLS listener).
 */
export function shopClient(
  port: number,
  options: ChannelOptions = {},
  channel: ChannelCredentials = credentials.createInsecure(),
): ShopClient {
  const Orders = makeGenericClientConstructor(definitionOf(), 'Orders');
  return new Orders(`127.0.0.1:${port}`, channel, options) as ShopClient;
}

/** How one unary call ended: a status error, or the response. */
export interface UnaryOutcome {
  error: ServiceError | null;
  response: Json | undefined;
}

/** Metadata carrying these entries. */
export function metadataOf(values: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(values)) metadata.set(name, value);
  return metadata;
}

/**
 * One unary call by method name (empty metadata unless given); resolves with its error or its
 * response and never rejects, so a test asserts on the status it expects.
 */
export function unaryCall(
  client: Client,
  method: string,
  message: Json,
  options: { metadata?: Metadata; call?: CallOptions } = {},
): Promise<UnaryOutcome> {
  return new Promise((resolve) => {
    const call = (client as ShopClient)[method];
    if (call === undefined) throw new Error(`the client has no method ${method}`);
    call.call(
      client,
      message,
      options.metadata ?? new Metadata(),
      options.call ?? {},
      (error: ServiceError | null, response?: Json) => resolve({ error, response }),
    );
  });
}

/**
 * Resolves once `sent` (stream messages a server has handed to grpc-js) stops moving between two
 * reads 250 ms apart: the server is held by HTTP/2 flow control, not buffered into memory.
 */
export async function heldByBackpressure(sent: () => number): Promise<void> {
  let last = -1;
  await eventually(
    async () => {
      const now = sent();
      const still = now === last;
      last = now;
      if (!still) await new Promise((r) => setTimeout(r, 250));
      return still;
    },
    10_000,
    'the server to be held by backpressure',
  );
}

/**
 * One GetOrder call for `id` on a client of its own, closed once it answers: for tests that make
 * a single call (`channel` options such as `grpc.default_authority` pick the API by host).
 */
export async function getOrderOnce(
  port: number,
  id: string,
  options: { channel?: ChannelOptions; metadata?: Metadata } = {},
): Promise<UnaryOutcome> {
  const client = shopClient(port, options.channel);
  try {
    return await unaryCall(client, 'GetOrder', { id }, { metadata: options.metadata });
  } finally {
    client.close();
  }
}

/** One GetOrder call through the gateway's gRPC pass-through, expected to answer `id` from `servedBy`. */
export async function expectOrderPassedThrough(
  port: number,
  id: string,
  servedBy: string,
): Promise<void> {
  const { error, response } = await getOrderOnce(port, id);
  expect(error).toBeNull();
  expect(response).toMatchObject({ id, servedBy });
}

/**
 * Posts `body` to a transcoded gRPC method at `url` until `accept` takes the status and JSON it
 * answers: for schemas the gateway loads in the background (server reflection).
 */
export async function untilTranscodedAnswer(
  url: string,
  body: string,
  accept: (status: number, answer: Record<string, unknown>) => boolean,
  what: string,
): Promise<void> {
  await eventually(
    async () => {
      const res = await request(url, { method: 'POST', body });
      return accept(res.statusCode, (await res.body.json()) as Record<string, unknown>);
    },
    10_000,
    what,
  );
}
