import { describe, expect, it } from 'vitest';
import { forbiddenTargetReason } from './target-address';

describe('forbiddenTargetReason', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '0xa9fea9fe',
    '0xA9.0xFE.0xA9.0xFE',
    '2852039166',
    '0251.0376.0251.0376',
    '169.254.43518',
    '[::ffff:169.254.169.254]',
    '::ffff:a9fe:a9fe',
    'fe80::1',
    '[fe80::abcd]',
    'fd00:ec2::254',
    'metadata.google.internal',
    '169.254.169.254.',
  ])('refuses the metadata spelling %s', (host) => {
    expect(forbiddenTargetReason(host)).not.toBeNull();
  });

  it.each([
    '127.0.0.1',
    '10.0.0.5',
    'api.internal',
    '::1',
    '2001:db8::1',
    'localhost',
    '169.255.0.1',
    '0x7f000001',
  ])('allows the ordinary host %s', (host) => {
    expect(forbiddenTargetReason(host)).toBeNull();
  });
});
