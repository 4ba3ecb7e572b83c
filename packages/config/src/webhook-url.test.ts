import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it('accepts http and https URLs on ordinary hosts', () => {
    expect(webhookUrlProblem('https://hooks.example.com/portico?x=1')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull();
  });

  it.each([
    ['ftp://example.com/hook', 'must use http or https, not ftp'],
    ['https://user:secret@example.com/hook', 'must not contain credentials (user:password@)'],
    ['https://token@example.com/hook', 'must not contain credentials (user:password@)'],
    ['http://169.254.169.254/latest/meta-data', 'host 169.254.169.254 is a link-local'],
    ['http://0xa9fea9fe/', 'is a link-local'],
    ['http://metadata.google.internal/', 'is a cloud metadata host name'],
    ['http://[fe80::1]/hook', 'is an IPv6 link-local address'],
    ['not a url', 'is not a valid URL'],
  ])('refuses %s', (url, problem) => {
    expect(webhookUrlProblem(url)).toContain(problem);
  });
});
