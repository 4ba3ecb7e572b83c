import { describe, expect, it } from 'vitest';
import { runInMemory } from './memory-io';

describe('portico argument handling', () => {
  it('prints every command in --help and exits 0', async () => {
    const run = await runInMemory(['--help']);
    expect(run.exitCode).toBe(0);
    for (const command of [
      'apply',
      'diff',
      'dump',
      'publish',
      'versions list',
      'versions diff',
      'versions rollback',
      'keys create',
      'keys list',
      'keys revoke',
      'tokens create',
      'status',
      'usage',
    ]) {
      expect(run.stdout).toContain(`  ${command} `);
    }
    expect(run.stdout).toContain('2  bad input');
  });

  it('prints usage on stderr and exits 2 without a command', async () => {
    const run = await runInMemory([]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: portico <command>');
  });

  it("prints a command's own help with its flags", async () => {
    const run = await runInMemory(['keys', 'create', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: portico keys create --consumer NAME');
    expect(run.stdout).toContain('--expires DURATION');
    expect(run.connections).toEqual([]);
  });

  it('lists the subcommands of a group when one is missing, exit 2', async () => {
    const run = await runInMemory(['versions']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('portico versions rollback N');
  });

  it.each([
    [['deploy'], 'unknown command "deploy"'],
    [
      ['keys', 'delete', 'key_1'],
      'unknown command "keys delete": expected one of create, list, revoke',
    ],
    [['apply'], '-f/--file is required'],
    [['apply', '-f'], "Option '-f, --file <value>' argument missing"],
    [['apply', '-f', 'p.yaml', '--force'], "Unknown option '--force'"],
    [['apply', '-f', 'p.yaml', 'extra'], 'unexpected argument "extra"'],
    [['versions', 'diff', '1'], 'expected A B'],
    [['versions', 'diff', '1', 'two'], 'B: "two" is not a positive whole number'],
    [['versions', 'rollback', '0'], 'N: "0" is not a positive whole number'],
    [['versions', 'list', '--limit', '-3'], "Option '--limit' argument is ambiguous"],
    [['publish'], '-m/--message is required'],
    [['keys', 'create'], '--consumer is required'],
    [
      ['keys', 'create', '--consumer', 'acme', '--expires', '30 days'],
      '--expires: "30 days" is not a duration',
    ],
    [['keys', 'revoke'], 'expected ID'],
    [['tokens', 'create', '--name', 'gw'], '--type is required'],
    [
      ['tokens', 'create', '--type', 'admin', '--name', 'gw'],
      '--type: "admin" is not one of dataplane, registry, personal',
    ],
    [
      ['tokens', 'create', '--type', 'registry', '--name', 'r', '--scopes', 'register,write'],
      '--scopes: "write" is not one of register, read',
    ],
    [
      ['tokens', 'create', '--type', 'dataplane', '--name', 'gw', '--scopes', 'read'],
      '--scopes applies only to --type registry',
    ],
    [
      ['tokens', 'create', '--type', 'personal', '--name', 'me', '--expires', '12h'],
      'personal tokens expire in whole days',
    ],
    [['usage', '--since', 'yesterday'], '--since: "yesterday" is not a duration'],
    [['status', '--url', 'localhost:4000'], '--url: "localhost:4000" must be an http(s) URL'],
  ])('refuses %j with exit 2 before contacting the server', async (argv, message) => {
    const run = await runInMemory(argv, { 'p.yaml': '{}\n' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
    expect(run.connections).toEqual([]);
  });

  it('refuses to run a server command without a token, exit 2', async () => {
    const run = await runInMemory(['status'], {}, {});
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no token: set PORTICO_TOKEN or pass --token');
    expect(run.connections).toEqual([]);
  });

  it('lets --url and --token override the environment', async () => {
    const run = await runInMemory(
      ['status', '--url', 'http://127.0.0.1:9/', '--token', 'pat_flag'],
      {},
      { PORTICO_URL: 'http://127.0.0.1:4000', PORTICO_TOKEN: 'pat_env' },
    );
    expect(run.connections).toEqual([{ url: 'http://127.0.0.1:9', token: 'pat_flag' }]);
  });

  it('names a broken PORTICO_URL with exit 2', async () => {
    const run = await runInMemory(['status'], {}, { PORTICO_URL: 'nope', PORTICO_TOKEN: 'pat_x' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('PORTICO_URL: must be an http(s) URL');
  });
});

describe('portico apply and diff with a bad file', () => {
  it('exits 2 naming the field path and line, without contacting the server', async () => {
    const file = [
      'services:',
      '  - name: orders',
      '    targets: ["127.0.0.1:9001", "10.0.0.1"]',
      '',
    ].join('\n');
    for (const command of ['apply', 'diff']) {
      const run = await runInMemory([command, '-f', 'bad.yaml'], { 'bad.yaml': file });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe(
        'error: bad.yaml:3:33: services[0].targets[1]: target "10.0.0.1" must look like "host:port"\n',
      );
      expect(run.connections).toEqual([]);
    }
  });

  it('prints one line per problem', async () => {
    const file = [
      'registries:',
      '  - name: r',
      '    type: mdns',
      'services:',
      '  - name: a',
      '    targets: ["169.254.169.254:80"]',
      '',
    ].join('\n');
    const run = await runInMemory(['apply', '-f', 'bad.yaml'], { 'bad.yaml': file });
    expect(run.exitCode).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('bad.yaml:3:11: registries[0].type: unknown registry type "mdns"');
    expect(lines[1]).toContain('bad.yaml:6:15: services[0].targets[0]');
  });

  it('exits 2 for a file over 5 MB without parsing or sending it', async () => {
    const huge = `# ${'x'.repeat(5 * 1024 * 1024)}\n{}\n`;
    const run = await runInMemory(['apply', '-f', 'huge.yaml'], { 'huge.yaml': huge });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'error: huge.yaml: larger than 5 MB; split it or remove what is not configuration\n',
    );
    expect(run.connections).toEqual([]);
  });

  it('exits 2 when the file cannot be read', async () => {
    const run = await runInMemory(['apply', '-f', 'missing.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('cannot read missing.yaml: ENOENT');
    expect(run.connections).toEqual([]);
  });
});
