import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyPassword } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './cli-fixture';

const cli = useCliFixture();

const FILE = `
services:
  - name: reports
    targets: ["127.0.0.1:9103"]
apis:
  - name: reports-api
    basePath: /reports
    service: reports
    auth: { type: basic, realm: reports }
plans:
  - name: partner
    apis: [reports-api]
consumers:
  - name: acme
    plans: [partner]
    credentials:
      - kind: basic
        name: nightly-export
        username: acme-export
        passwordEnv: ACME_EXPORT_PASSWORD
`;
const PASSWORD = 'a nightly export password';

describe('portico apply with consumer credentials', () => {
  it('reads passwordEnv, and the control plane stores only the hash', async () => {
    await cli.writeWorkFile('basic.yaml', FILE);
    const run = await cli.portico(['apply', '-f', 'basic.yaml'], undefined, {
      ACME_EXPORT_PASSWORD: PASSWORD,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^create\s+consumer\s+acme$/m);
    const row = await cli.control.db.consumerCredential.findFirstOrThrow({
      where: { identifier: 'acme-export' },
    });
    expect(row).toMatchObject({ kind: 'basic', name: 'nightly-export', revokedAt: null });
    expect(await verifyPassword(row.secretHash ?? '', PASSWORD)).toBe(true);
  });

  it('applying again with the same password changes nothing', async () => {
    const run = await cli.portico(['apply', '-f', 'basic.yaml'], undefined, {
      ACME_EXPORT_PASSWORD: PASSWORD,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('no changes\n');
  });

  it('refuses the file before any request when the variable is unset', async () => {
    const before = await cli.control.db.credentialChange.count();
    const run = await cli.portico(['apply', '-f', 'basic.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('environment variable ACME_EXPORT_PASSWORD is not set');
    expect(await cli.control.db.credentialChange.count()).toBe(before);
  });

  it('dump writes the password hash, never the password, and applies as a no-op', async () => {
    const dump = await cli.portico(['dump', '-o', 'dumped.yaml']);
    expect(dump.exitCode, dump.stderr).toBe(0);
    const text = await readFile(join(cli.workDir, 'dumped.yaml'), 'utf8');
    expect(text).toContain('passwordHash: $scrypt$ln=15,r=8,p=1$');
    expect(text).not.toContain(PASSWORD);
    const apply = await cli.portico(['apply', '-f', 'dumped.yaml']);
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(apply.stdout).toBe('no changes\n');
  });
});
