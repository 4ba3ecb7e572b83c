import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CidrList } from '../policies/cidr-list';
import { addressRefused, declaresBodyOver, headerBytes } from './request-limits';

function withHeaders(headers: IncomingMessage['headers']): Pick<IncomingMessage, 'headers'> {
  return { headers };
}

describe('request limits', () => {
  it('counts each raw header name and value with its line separator', () => {
    expect(headerBytes([])).toBe(0);
    expect(headerBytes(['host', 'api.test'])).toBe(4 + 2 + 8 + 2);
  });

  it('refuses a declared body only when it is longer than the limit', () => {
    expect(declaresBodyOver(withHeaders({ 'content-length': '10' }), 10)).toBe(false);
    expect(declaresBodyOver(withHeaders({ 'content-length': '11' }), 10)).toBe(true);
    // A chunked body declares no length: it is counted as it streams.
    expect(declaresBodyOver(withHeaders({ 'transfer-encoding': 'chunked' }), 10)).toBe(false);
  });

  it('refuses an address the deny list names, whatever the allow list says', () => {
    const entry = { ipAllow: new CidrList(['10.0.0.0/8']), ipDeny: new CidrList(['10.0.0.5']) };
    expect(addressRefused(entry, '10.0.0.5')).toBe(true);
    expect(addressRefused(entry, '10.0.0.6')).toBe(false);
  });

  it('refuses an address missing from an allow list, and none when the API has no rules', () => {
    expect(
      addressRefused({ ipAllow: new CidrList(['10.0.0.0/8']), ipDeny: null }, '192.0.2.1'),
    ).toBe(true);
    expect(addressRefused({ ipAllow: null, ipDeny: null }, '192.0.2.1')).toBe(false);
    expect(
      addressRefused({ ipAllow: null, ipDeny: new CidrList(['10.0.0.0/8']) }, '::ffff:10.1.2.3'),
    ).toBe(true);
  });
});
