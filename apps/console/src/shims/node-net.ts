/**
 * Browser stand-in for `node:net`, used only by @portico/config's target-address check.
 * Mirrors Node's isIP: 4 for dotted IPv4, 6 for IPv6, 0 otherwise.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIP(input: string): 0 | 4 | 6 {
  if (IPV4.test(input)) return 4;
  if (input.includes(':')) {
    try {
      // The URL parser accepts exactly the IPv6 literals Node does (zone ids aside).
      new URL(`http://[${input}]/`);
      return 6;
    } catch {
      return 0;
    }
  }
  return 0;
}
