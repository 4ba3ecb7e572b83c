import { describe, expect, it } from 'vitest';
import { CidrList } from '../policies/cidr-list';
import { forwardedHeaders } from './forwarded-headers';

describe('forwardedHeaders', () => {
  const trusted = new CidrList(['10.0.0.0/8', 'fd00::/8']);

  it('replaces client-sent forwarding headers from an untrusted peer', () => {
    const view = forwardedHeaders(
      { host: 'api.test', 'x-forwarded-for': '1.1.1.1' },
      '::ffff:203.0.113.5',
      'http',
      trusted,
    );
    expect(view).toMatchObject({
      clientIp: '203.0.113.5',
      xForwardedFor: '203.0.113.5',
      xForwardedHost: 'api.test',
    });
    expect(view.forwarded).toBe('for=203.0.113.5;host="api.test";proto=http');
  });

  it('behind trusted proxies, takes the nearest untrusted address as the client and appends the peer', () => {
    const view = forwardedHeaders(
      {
        host: 'api.test',
        'x-forwarded-for': '198.51.100.7, 10.1.1.1',
        'x-forwarded-proto': 'https',
      },
      '10.2.2.2',
      'http',
      trusted,
    );
    expect(view.clientIp).toBe('198.51.100.7');
    expect(view.xForwardedFor).toBe('198.51.100.7, 10.1.1.1, 10.2.2.2');
    expect(view.xForwardedProto).toBe('https');
  });

  it('quotes IPv6 nodes in Forwarded', () => {
    expect(forwardedHeaders({ host: 'h' }, '2001:db8::1', 'https', trusted).forwarded).toBe(
      'for="[2001:db8::1]";host="h";proto=https',
    );
  });
});

describe('CidrList', () => {
  it('matches v4, v6 and v4-mapped v6 addresses, and refuses bad entries', () => {
    const list = new CidrList(['192.0.2.0/24', '2001:db8::/32']);
    expect(list.has('192.0.2.200')).toBe(true);
    expect(list.has('::ffff:192.0.2.1')).toBe(true);
    expect(list.has('2001:db8:1::5')).toBe(true);
    expect(list.has('198.51.100.1')).toBe(false);
    expect(() => new CidrList(['300.1.1.1/8'])).toThrow(/not an IP/);
    expect(() => new CidrList(['10.0.0.0/33'])).toThrow(/prefix/);
  });
});
