import { BlockList, isIP } from 'node:net';

/** A set of IPv4/IPv6 CIDRs (or single addresses) answering "is this client address in it". */
export class CidrList {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefixText] = entry.trim().split('/');
      const family = isIP(address);
      if (family === 0) throw new Error(`"${entry}" is not an IP address or CIDR`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const maxPrefix = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
        throw new Error(`"${entry}" has an invalid prefix length`);
      }
      this.list.addSubnet(address, prefix, type);
    }
    this.size = entries.length;
  }

  has(clientAddress: string): boolean {
    if (this.size === 0) return false;
    const address = unmapIpv4(clientAddress);
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `::ffff:10.0.0.1` (how a dual-stack socket reports IPv4 peers) -> `10.0.0.1`. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
