import { randomFillSync } from 'node:crypto';
import { createIdSequence } from '@portico/id';

// At most 64 characters: the analytics event (and its consumers) cap request ids there.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

// One id per request: a monotonic sequence costs no random bytes per id.
const nextRequestId = createIdSequence('request');

/** A client-sent X-Request-Id is kept when it is short and plain; otherwise a fresh `req_…` id. */
export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && REQUEST_ID.test(header)) return header;
  return nextRequestId();
}

// Trace and span ids are cut from one pool of random bytes, turned into hex once per refill: a
// request takes two substrings of it instead of two buffers or two hex conversions.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolHex = '';
let poolOffset = POOL_BYTES * 2;

function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (poolOffset + chars > poolHex.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    poolOffset = 0;
  }
  const hex = poolHex.slice(poolOffset, poolOffset + chars);
  poolOffset += chars;
  return hex;
}

/**
 * W3C trace context: continue the caller's trace with the gateway as the new parent span, or
 * start a trace. Returns the traceparent to send upstream.
 */
export function nextTraceparent(header: string | string[] | undefined): string {
  const spanId = randomHex(8);
  if (typeof header === 'string') {
    const match = TRACEPARENT.exec(header);
    if (match && match[1] !== '00000000000000000000000000000000')
      return `00-${match[1]}-${spanId}-${match[3]}`;
  }
  return `00-${randomHex(16)}-${spanId}-01`;
}
