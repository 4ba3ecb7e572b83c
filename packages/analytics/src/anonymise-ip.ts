import { isIPv4, isIPv6 } from 'node:net';

/**
 * Drops the host part of a client address so stored logs no longer name a person: IPv4 keeps its
 * /24 (last octet zeroed), IPv6 its /48. Anything unparseable becomes null rather than leaking.
 */
export function anonymiseIp(ip: string): string | null {
  const mapped = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIPv4(mapped)) {
    const parts = mapped.split('.');
    return `${parts[0]}.${parts[1]}.${parts[2]}.0`;
  }
  if (isIPv6(ip)) {
    const groups = expandIpv6(ip);
    if (!groups) return null;
    return `${groups.slice(0, 3).join(':')}::`;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address in short hex, or null for forms we do not expand. */
function expandIpv6(ip: string): string[] | null {
  const withoutZone = ip.split('%')[0] ?? ip;
  if (withoutZone.includes('.')) return null; // embedded IPv4 tails other than ::ffff: are rare
  const [head = '', tail] = withoutZone.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (missing < 0) return null;
  const groups = [...headGroups, ...new Array<string>(missing).fill('0'), ...tailGroups];
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}
