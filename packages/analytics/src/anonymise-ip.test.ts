import { describe, expect, it } from 'vitest';
import { anonymiseIp } from './anonymise-ip';

describe('anonymiseIp', () => {
  it('zeroes the last octet of an IPv4 address, IPv4-mapped IPv6 included', () => {
    expect(anonymiseIp('203.0.113.77')).toBe('203.0.113.0');
    expect(anonymiseIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
  });

  it('keeps only the /48 of an IPv6 address', () => {
    expect(anonymiseIp('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::');
    expect(anonymiseIp('2001:db8::1')).toBe('2001:db8:0::');
  });

  it('answers null for something that is not an address', () => {
    expect(anonymiseIp('not-an-ip')).toBeNull();
  });
});
