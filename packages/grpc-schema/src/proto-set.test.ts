import { describe, expect, it } from 'vitest';
import { HttpRouteTable } from './http-routes';
import { messageFromJson, messageToJson } from './json-message';
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
  repeated string items = 4;
}
message GetOrderRequest { int64 id = 1; bool verbose = 2; }
service Orders {
  rpc GetOrder(GetOrderRequest) returns (Order) {
    option (google.api.http) = { get: "/v1/orders/{id}" };
  }
  rpc PutOrder(Order) returns (Order) {
    option (google.api.http) = { put: "/v1/orders/{id}" body: "*" };
  }
}
`;

describe('compileProtoSet', () => {
  it('lists methods with their google.api.http bindings', () => {
    const set = compileProtoSet({ 'shop.proto': SHOP });
    if (!set.ok) throw new Error(set.message);
    expect(set.methods.map((m) => [m.path, m.bindings])).toEqual([
      ['/shop.v1.Orders/GetOrder', [{ method: 'GET', pattern: '/v1/orders/{id}', body: null }]],
      ['/shop.v1.Orders/PutOrder', [{ method: 'PUT', pattern: '/v1/orders/{id}', body: '*' }]],
    ]);
  });

  it('refuses a syntax error with the compiler message naming the line', () => {
    const set = compileProtoSet({ 'bad.proto': 'syntax = "proto3";\nmessage A { int32 x = ; }\n' });
    expect(set).toEqual({ ok: false, message: expect.stringMatching(/illegal.*line 2/) });
  });

  it('refuses an unresolved type and a missing import', () => {
    const unresolved = compileProtoSet({
      'a.proto':
        'syntax = "proto3";\nmessage A { Missing m = 1; }\nservice S { rpc M(A) returns (A); }',
    });
    expect(unresolved.ok ? '' : unresolved.message).toMatch(/no such Type or Enum 'Missing'/);
    const missing = compileProtoSet({ 'a.proto': 'syntax = "proto3";\nimport "other.proto";' });
    expect(missing.ok ? '' : missing.message).toMatch(/imports other.proto/);
  });
});

describe('proto3 JSON mapping', () => {
  const set = compileProtoSet({ 'shop.proto': SHOP });
  if (!set.ok) throw new Error(set.message);
  const order = set.methods[1]?.requestType;
  if (order === undefined) throw new Error('no PutOrder');

  it('writes int64 as a string, enums by name and timestamps as RFC 3339', () => {
    const decoded = messageFromJson(order, {
      id: '9007199254740993',
      tier: 'GOLD',
      placedAt: '2026-01-02T03:04:05.120Z',
      items: ['a'],
    });
    if (!decoded.ok) throw new Error(decoded.detail);
    const wire = order.encode(decoded.message).finish();
    expect(messageToJson(order, order.decode(wire))).toEqual({
      id: '9007199254740993',
      tier: 'GOLD',
      placedAt: '2026-01-02T03:04:05.120Z',
      items: ['a'],
    });
  });

  it('refuses unknown fields and values of the wrong kind, naming the field', () => {
    expect(messageFromJson(order, { nope: 1 })).toEqual({
      ok: false,
      detail: 'nope: unknown field of shop.v1.Order',
    });
    expect(messageFromJson(order, { tier: 'SILVER' })).toEqual({
      ok: false,
      detail: 'tier: expected one of TIER_UNSPECIFIED, GOLD',
    });
    expect(messageFromJson(order, { id: 'x' })).toEqual({
      ok: false,
      detail: 'id: expected an integer',
    });
  });
});

describe('HttpRouteTable', () => {
  it('matches templates and the default POST path', () => {
    const set = compileProtoSet({
      'b.proto': `syntax = "proto3"; package lib;
import "google/api/annotations.proto";
message R { string name = 1; }
service Books { rpc Get(R) returns (R) { option (google.api.http) = { get: "/v1/{name=shelves/*/books/*}:read" }; } }`,
    });
    if (!set.ok) throw new Error(set.message);
    const table = new HttpRouteTable(set.methods);
    expect(table.match('GET', '/v1/shelves/1/books/2:read')?.params).toEqual([
      ['name', 'shelves/1/books/2'],
    ]);
    expect(table.match('POST', '/lib.Books/Get')?.route.body).toBe('*');
    expect(table.match('GET', '/v1/shelves/1:read')).toBeNull();
  });
});
