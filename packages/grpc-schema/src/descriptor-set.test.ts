import { describe, expect, it } from 'vitest';
import { compileDescriptorSet, descriptorSetOf } from './descriptor-set';
import { compileGrpcSchema } from './grpc-schema-source';
import { HttpRouteTable } from './http-routes';
import { messageToJson } from './json-message';
import { compileProtoSet } from './proto-set';

const SHOP = `
syntax = "proto3";
package shop.v1;
import "google/api/annotations.proto";
import "google/protobuf/timestamp.proto";

enum Tier { TIER_UNSPECIFIED = 0; GOLD = 1; }
message Order {
  int64 id = 1;
  Tier tier = 2;
  google.protobuf.Timestamp placed_at = 3;
}
message GetOrderRequest { int64 id = 1; }
service Orders {
  rpc GetOrder(GetOrderRequest) returns (Order) {
    option (google.api.http) = {
      get: "/v1/orders/{id}"
      additional_bindings { post: "/v1/orders:lookup" body: "*" }
    };
  }
  rpc Watch(GetOrderRequest) returns (stream Order);
}
`;

function shopDescriptorSet(): string {
  const set = compileProtoSet({ 'shop/v1/shop.proto': SHOP });
  if (!set.ok) throw new Error(set.message);
  return descriptorSetOf(set.root);
}

describe('compileDescriptorSet', () => {
  it('gives the methods, types and HTTP annotations the proto sources give', () => {
    const set = compileDescriptorSet(shopDescriptorSet());
    if (!set.ok) throw new Error(set.message);
    expect(set.methods.map((m) => [m.path, m.responseStream])).toEqual([
      ['/shop.v1.Orders/GetOrder', false],
      ['/shop.v1.Orders/Watch', true],
    ]);
    expect(set.methods[0]?.bindings).toEqual([
      { method: 'GET', pattern: '/v1/orders/{id}', body: null },
      { method: 'POST', pattern: '/v1/orders:lookup', body: '*' },
    ]);
    const routes = new HttpRouteTable(set.methods);
    expect(routes.match('GET', '/v1/orders/7')?.route.method.name).toBe('GetOrder');
    // Well-known types keep their JSON mapping.
    const order = set.root.lookupType('shop.v1.Order');
    const json = messageToJson(
      order,
      order.fromObject({ id: '9007199254740993', tier: 1, placedAt: { seconds: 1, nanos: 0 } }),
    );
    expect(json).toEqual({
      id: '9007199254740993',
      tier: 'GOLD',
      placedAt: '1970-01-01T00:00:01Z',
    });
  });

  it('refuses text that is not base64', () => {
    expect(compileDescriptorSet('not base64!')).toEqual({
      ok: false,
      message: 'the descriptor set is not base64 text',
    });
  });

  it('refuses bytes that are not a FileDescriptorSet', () => {
    const result = compileDescriptorSet(Buffer.from('garbage!garbage!').toString('base64'));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.message).toMatch(/^the descriptor set is not a FileDescriptorSet/);
  });

  it('refuses a set missing an imported file, saying how to build one', () => {
    const whole = Buffer.from(shopDescriptorSet(), 'base64');
    // Keep only the first file (shop/v1/shop.proto): Timestamp's file is gone.
    const set = compileProtoSet({ 'shop/v1/shop.proto': SHOP });
    if (!set.ok) throw new Error(set.message);
    const truncated = truncateToFirstFile(whole);
    const result = compileDescriptorSet(truncated.toString('base64'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/does not link: .*--include_imports/);
  });

  it('refuses a truncated set', () => {
    const whole = Buffer.from(shopDescriptorSet(), 'base64');
    const result = compileDescriptorSet(whole.subarray(0, whole.length - 7).toString('base64'));
    expect(result.ok).toBe(false);
  });
});

describe('compileGrpcSchema', () => {
  it('refuses proto files and a descriptor set together', () => {
    const result = compileGrpcSchema({
      protoFiles: { 'a.proto': SHOP },
      descriptorSet: shopDescriptorSet(),
    });
    expect(result).toMatchObject({ ok: false, field: 'descriptorSet' });
  });
});

/** The set's first `file` entry only (field 1, length-delimited), re-encoded as a set. */
function truncateToFirstFile(bytes: Buffer): Buffer {
  if (bytes[0] !== 0x0a) throw new Error('expected field 1');
  let length = 0;
  let shift = 0;
  let offset = 1;
  for (;;) {
    const byte = bytes[offset++] as number;
    length |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return bytes.subarray(0, offset + length);
}
