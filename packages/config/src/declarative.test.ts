import { describe, expect, it } from 'vitest';
import { formatIssues, ZDeclarativeConfig } from './declarative';

const base = {
  services: [{ name: 'pay', targets: ['127.0.0.1:9000'] }],
  apis: [{ name: 'payments', basePath: '/pay', service: 'pay' }],
  plans: [{ name: 'gold', apis: ['payments'], rateLimit: { requests: 10, per: 'second' } }],
  consumers: [{ name: 'acme', plans: ['gold'] }],
};

function issuesOf(input: unknown): string[] {
  const result = ZDeclarativeConfig.safeParse(input);
  if (result.success) return [];
  return formatIssues(result.error);
}

describe('ZDeclarativeConfig', () => {
  it('accepts a minimal document and fills explicit defaults', () => {
    const doc = ZDeclarativeConfig.parse(base);
    expect(doc.services[0]?.targets).toEqual([{ host: '127.0.0.1', port: 9000, weight: 100 }]);
    expect(doc.services[0]?.timeouts.connectMs).toBe(2000);
    expect(doc.apis[0]?.auth).toEqual({ type: 'key' });
    expect(doc.apis[0]?.stripBasePath).toBe(true);
  });

  it('parses its own output to the same value, so dump then apply is a no-op', () => {
    const once = ZDeclarativeConfig.parse(base);
    expect(ZDeclarativeConfig.parse(once)).toEqual(once);
  });

  it('names the path of a malformed target', () => {
    const issues = issuesOf({
      ...base,
      services: [{ name: 'pay', targets: ['127.0.0.1:9000', '10.0.0.1'] }],
    });
    expect(issues).toContain(
      'services[0].targets[1]: target "10.0.0.1" must look like "host:port"',
    );
  });

  it('refuses a link-local target and names it', () => {
    const issues = issuesOf({
      ...base,
      services: [{ name: 'pay', targets: ['169.254.169.254:80'] }],
    });
    expect(issues.join('\n')).toMatch(
      /services\[0\]\.targets\[0\]\.host: target host 169\.254\.169\.254 is a link-local/,
    );
  });

  it('refuses an unknown registry type naming the allowed ones', () => {
    const issues = issuesOf({ registries: [{ name: 'r', type: 'zeroconf', address: 'x' }] });
    expect(issues[0]).toMatch(
      /^registries\[0\]\.type: unknown registry type "zeroconf": expected one of builtin/,
    );
  });

  it('refuses duplicate names, naming both places', () => {
    const issues = issuesOf({
      ...base,
      services: [...base.services, { name: 'pay', targets: ['127.0.0.1:9001'] }],
    });
    expect(issues).toContain('services[1].name: duplicate name pay: services[0] already uses it');
  });

  it('refuses APIs whose base paths and hosts collide, naming both', () => {
    const issues = issuesOf({
      ...base,
      apis: [...base.apis, { name: 'payments-v2', basePath: '/pay', service: 'pay' }],
    });
    expect(issues).toContain(
      'apis[1].basePath: APIs payments and payments-v2 both claim base path /pay on host *',
    );
  });

  it('allows the same base path on disjoint hosts', () => {
    const issues = issuesOf({
      ...base,
      apis: [
        { name: 'a', basePath: '/pay', hosts: ['a.example.com'], service: 'pay' },
        { name: 'b', basePath: '/pay', hosts: ['b.example.com'], service: 'pay' },
      ],
      plans: [],
      consumers: [],
    });
    expect(issues).toEqual([]);
  });

  it('refuses references to things that do not exist', () => {
    const issues = issuesOf({
      ...base,
      apis: [{ name: 'payments', basePath: '/pay', service: 'nope' }],
    });
    expect(issues).toContain('apis[0].service: unknown service nope');
  });

  it('needs either targets or discovery on a service', () => {
    const issues = issuesOf({ services: [{ name: 'empty' }] });
    expect(issues[0]).toMatch(
      /services\[0\]\.targets: service empty needs either static targets or a discovery reference, not neither/,
    );
  });

  it('refuses unknown top-level keys', () => {
    expect(issuesOf({ servics: [] })[0]).toMatch(/servics/);
  });

  it('refuses base paths that try to escape', () => {
    expect(
      issuesOf({ ...base, apis: [{ name: 'payments', basePath: '/pay/../admin', service: 'pay' }] })
        .length,
    ).toBeGreaterThan(0);
  });
});
