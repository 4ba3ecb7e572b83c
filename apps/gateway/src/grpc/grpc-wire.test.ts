import { describe, expect, it } from 'vitest';
import {
  encodeGrpcMessage,
  formatGrpcTimeout,
  grpcCodeForHttpStatus,
  grpcTimeoutMs,
  isGrpcCall,
} from './grpc-wire';

describe('isGrpcCall', () => {
  const call = (type: string | undefined, major = 2) => ({
    httpVersionMajor: major,
    headers: type === undefined ? {} : { 'content-type': type },
  });
  it('takes application/grpc with or without a codec suffix or parameters, over HTTP/2 only', () => {
    expect(isGrpcCall(call('application/grpc'))).toBe(true);
    expect(isGrpcCall(call('application/grpc+proto'))).toBe(true);
    expect(isGrpcCall(call('application/grpc;charset=utf-8'))).toBe(true);
    expect(isGrpcCall(call('application/grpc', 1))).toBe(false);
  });
  it('leaves gRPC-Web and other bodies to the HTTP path', () => {
    expect(isGrpcCall(call('application/grpc-web+proto'))).toBe(false);
    expect(isGrpcCall(call('application/json'))).toBe(false);
    expect(isGrpcCall(call(undefined))).toBe(false);
  });
});

describe('grpc-timeout', () => {
  it('reads every unit the wire spec allows', () => {
    expect(grpcTimeoutMs({ 'grpc-timeout': '2H' })).toBe(7_200_000);
    expect(grpcTimeoutMs({ 'grpc-timeout': '3M' })).toBe(180_000);
    expect(grpcTimeoutMs({ 'grpc-timeout': '5S' })).toBe(5000);
    expect(grpcTimeoutMs({ 'grpc-timeout': '250m' })).toBe(250);
    expect(grpcTimeoutMs({ 'grpc-timeout': '1500u' })).toBe(1.5);
    expect(grpcTimeoutMs({ 'grpc-timeout': '2000000n' })).toBe(2);
  });
  it('ignores a malformed value (no unit, too many digits, a sign)', () => {
    expect(grpcTimeoutMs({ 'grpc-timeout': '100' })).toBeNull();
    expect(grpcTimeoutMs({ 'grpc-timeout': '123456789S' })).toBeNull();
    expect(grpcTimeoutMs({ 'grpc-timeout': '-5S' })).toBeNull();
    expect(grpcTimeoutMs({})).toBeNull();
  });
  it('never sends a deadline of zero', () => {
    expect(formatGrpcTimeout(0.2)).toBe('1m');
    expect(formatGrpcTimeout(1499.1)).toBe('1500m');
  });
});

describe('grpc-message and refusal codes', () => {
  it('percent-encodes bytes outside printable ASCII, and % itself', () => {
    expect(encodeGrpcMessage('plain text')).toBe('plain text');
    expect(encodeGrpcMessage('100% — done\n')).toBe('100%25 %E2%80%94 done%0A');
  });
  it('maps refusals to the codes gRPC clients act on', () => {
    expect(grpcCodeForHttpStatus(401)).toBe(16);
    expect(grpcCodeForHttpStatus(403)).toBe(7);
    expect(grpcCodeForHttpStatus(429)).toBe(8);
    expect(grpcCodeForHttpStatus(503)).toBe(14);
    expect(grpcCodeForHttpStatus(504)).toBe(4);
    expect(grpcCodeForHttpStatus(404)).toBe(12);
  });
});
