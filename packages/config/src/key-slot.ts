/**
 * Redis Cluster hash slots, computed as Redis does (cluster spec, "Keys distribution model"):
 * CRC16/XMODEM of the key, or of its hash tag when the key holds `{...}` with at least one byte
 * between the first `{` and the next `}`, modulo 16384. A Lua call may only touch keys of one
 * slot on a cluster, so the limiter groups a batch of checks by slot before sending it, and the
 * restore marker is kept once per slot (restoreMarkerKeys).
 */

export const CLUSTER_SLOTS = 16_384;

// CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection), one table entry per byte.
const CRC16_TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  CRC16_TABLE[byte] = crc & 0xffff;
}

/** CRC16/XMODEM of `bytes[start..end)`; the cluster spec's check value: "123456789" → 0x31C3. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** The hash slot Redis Cluster assigns to `key` (its UTF-8 bytes, as Redis sees them). */
export function redisKeySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(OPEN_BRACE);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE_BRACE, open + 1);
    // "{}" hashes the whole key, like a key without braces.
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}

/**
 * One restore marker per hash slot: entry `s` is a key whose hash tag puts it in slot `s`. On a
 * Redis Cluster a limiter call may only touch keys of one slot, so the call carries the marker of
 * its own slot; the worker writes all of them after a restore, and a master that loses its data
 * loses exactly the markers of its slots. The tags are found by counting up, the same way on
 * every process, so gateways and workers agree on them without sharing anything.
 */
export function restoreMarkerKeys(prefix: string): string[] {
  const keys = new Array<string>(CLUSTER_SLOTS);
  let missing = CLUSTER_SLOTS;
  for (let n = 0; missing > 0; n++) {
    const tag = `${prefix}:epoch:${n}`;
    const slot = redisKeySlot(tag);
    if (keys[slot] === undefined) {
      keys[slot] = `{${tag}}`;
      missing -= 1;
    }
  }
  return keys;
}
