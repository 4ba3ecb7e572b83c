import { isIP } from 'node:net';

/**
 * Upstream targets must never point at link-local space (169.254.0.0/16, fe80::/10): that is
 * where cloud metadata services live, and a gateway proxying there leaks instance credentials.
 * Attackers spell those addresses many ways, so every spelling is normalised first.
 */
export function forbiddenTargetReason(host: string): string | null {
  const trimmed = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (trimmed === 'metadata.google.internal' || trimmed === 'metadata') {
    return 'is a cloud metadata host name';
  }
  const v4 = parseIpv4AnySpelling(trimmed);
  if (v4 !== null) {
    return isLinkLocalV4(v4) ? 'is a link-local (metadata) address in 169.254.0.0/16' : null;
  }
  if (isIP(trimmed) === 6) {
    const mapped = ipv4FromMappedV6(trimmed);
    if (mapped !== null && isLinkLocalV4(mapped)) {
      return 'is an IPv4-mapped link-local (metadata) address';
    }
    if (/^fe[89ab][0-9a-f]?:/.test(trimmed)) return 'is an IPv6 link-local address in fe80::/10';
    if (trimmed === 'fd00:ec2::254') return 'is the EC2 IPv6 metadata address';
  }
  return null;
}

function isLinkLocalV4(address: number): boolean {
  return address >>> 16 === (169 << 8) + 254;
}

/** Parses dotted, decimal, octal, hex and short forms (`169.254.43518`, `0xa9fea9fe`, `2852039166`). */
function parseIpv4AnySpelling(host: string): number | null {
  if (!/^[0-9a-fx.]+$/.test(host) || host.length === 0) return null;
  const parts = host.split('.');
  if (parts.length > 4 || parts.some((p) => p.length === 0)) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === null) return null;
    values.push(value);
  }
  const last = values.pop() as number; // parts.length >= 1 was checked above
  let address = 0;
  for (const [index, value] of values.entries()) {
    if (value > 255) return null;
    address += value * 256 ** (3 - index);
  }
  const remainingBytes = 4 - values.length;
  if (last >= 256 ** remainingBytes) return null;
  return address + last;
}

function parseIpv4Part(part: string): number | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number.parseInt(part, 10);
  return null;
}

function ipv4FromMappedV6(v6: string): number | null {
  const dotted = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(v6.replace(/^::/, ''));
  if (dotted?.[1]) return parseIpv4AnySpelling(dotted[1]);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hex?.[1] && hex[2]) return Number.parseInt(hex[1], 16) * 65536 + Number.parseInt(hex[2], 16);
  return null;
}
