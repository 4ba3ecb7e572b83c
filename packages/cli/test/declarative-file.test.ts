import { describe, expect, it } from 'vitest';
import { formatProblem, loadDeclarativeYaml } from '../src/declarative-file';

/** Problems as the CLI prints them, for a file called portico.yaml. */
function problemsOf(yaml: string): string[] {
  const loaded = loadDeclarativeYaml(yaml);
  if (loaded.ok) throw new Error('expected the file to be refused');
  return loaded.problems.map((problem) => formatProblem('portico.yaml', problem));
}

const VALID = `
services:
  - name: orders
    targets: ["127.0.0.1:9001"]
apis:
  - name: orders-api
    basePath: /orders
    service: orders
`;

describe('loadDeclarativeYaml', () => {
  it('accepts a valid file and returns the document as written', () => {
    const loaded = loadDeclarativeYaml(VALID);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.document).toEqual({
      services: [{ name: 'orders', targets: ['127.0.0.1:9001'] }],
      apis: [{ name: 'orders-api', basePath: '/orders', service: 'orders' }],
    });
    expect(loaded.config.services[0]?.targets).toEqual([
      { host: '127.0.0.1', port: 9001, weight: 100 },
    ]);
  });

  it.each([
    ['169.254.169.254:80', '169.254.169.254'],
    ['0xa9fea9fe:80', '0xa9fea9fe'],
    ['[::ffff:169.254.169.254]:80', '::ffff:169.254.169.254'],
  ])('refuses the link-local target %s', (target, host) => {
    const yaml = ['services:', '  - name: orders', `    targets: ["${target}"]`, ''].join('\n');
    const [problem, ...rest] = problemsOf(yaml);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      new RegExp(
        `^portico\\.yaml:3:15: services\\[0\\]\\.targets\\[0\\](\\.host)?: target host ${host.replace(/[.[\]]/g, '\\$&')} is .*link-local.*; refused$`,
      ),
    );
  });

  it('reports YAML syntax errors with line and column and no field path', () => {
    const problems = problemsOf('services:\n  - name: orders\n    targets: [127.0.0.1:1\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^portico\.yaml:\d+:\d+: /);
  });

  it('accepts {} as an explicit empty configuration', () => {
    expect(loadDeclarativeYaml('{}\n').ok).toBe(true);
  });

  // Files refused with exactly one problem, printed with its path, line and column.
  it.each([
    {
      name: 'names the path, line and column of a target without a port',
      yaml: [
        'services:',
        '  - name: orders',
        '    targets:',
        '      - 127.0.0.1:9001',
        '      - 10.0.0.1',
        '',
      ].join('\n'),
      problem:
        'portico.yaml:5:9: services[0].targets[1]: target "10.0.0.1" must look like "host:port"',
    },
    {
      name: 'refuses an unknown registry type and lists the known ones',
      yaml: ['registries:', '  - name: r1', '    type: mdns', ''].join('\n'),
      problem:
        'portico.yaml:3:11: registries[0].type: unknown registry type "mdns": expected one of builtin, consul, kubernetes, eureka, etcd, zookeeper, dns',
    },
    {
      name: 'refuses a duplicate service name, pointing at the second one',
      yaml: [
        'services:',
        '  - name: orders',
        '    targets: ["127.0.0.1:1"]',
        '  - name: orders',
        '    targets: ["127.0.0.1:2"]',
        '',
      ].join('\n'),
      problem:
        'portico.yaml:4:11: services[1].name: duplicate name orders: services[0] already uses it',
    },
    {
      name: 'refuses a link-local host in the object form of a target',
      yaml: [
        'services:',
        '  - name: orders',
        '    targets:',
        '      - host: 169.254.1.1',
        '        port: 80',
        '',
      ].join('\n'),
      problem:
        'portico.yaml:4:15: services[0].targets[0].host: target host 169.254.1.1 is a link-local (metadata) address in 169.254.0.0/16; refused',
    },
    {
      name: 'refuses duplicate YAML keys, which would otherwise silently keep the last value',
      yaml: 'apis: []\napis: []\n',
      problem: 'portico.yaml:2:1: Map keys must be unique',
    },
    {
      name: 'refuses an unknown top-level key, pointing at the key',
      yaml: 'services: []\nroutes: []\n',
      problem:
        'portico.yaml:2:1: routes: unknown key: expected one of registries, services, apis, plans, consumers',
    },
    {
      name: 'refuses a misspelt key inside an entity instead of ignoring it',
      yaml: `${VALID}    stripBasepath: false\n`,
      problem:
        'portico.yaml:9:5: apis[0].stripBasepath: unknown key: not part of the declarative format (see docs/yaml-format.md)',
    },
    {
      name: 'points a missing required key at the entity that lacks it',
      yaml: ['apis:', '  - name: orders-api', '    service: orders', ''].join('\n'),
      problem:
        'portico.yaml:2:5: apis[0].basePath: Invalid input: expected string, received undefined',
    },
    {
      name: 'refuses an empty file rather than declaring that nothing exists',
      yaml: '# nothing here\n',
      problem:
        'portico.yaml:1:1: (root): the file is empty; write {} to declare an empty configuration on purpose',
    },
    {
      name: 'refuses colliding base paths naming both APIs',
      yaml: `${VALID}  - name: orders-v2\n    basePath: /orders\n    service: orders\n`,
      problem:
        'portico.yaml:10:15: apis[1].basePath: APIs orders-api and orders-v2 both claim base path /orders on host *',
    },
  ])('$name', ({ yaml, problem }) => {
    expect(problemsOf(yaml)).toEqual([problem]);
  });
});
