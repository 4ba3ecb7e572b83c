import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PLANE_NODE_HEADER } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { changedExample, EXAMPLE, useCliFixture } from './cli-fixture';

const cli = useCliFixture();

describe('portico against a real control plane', () => {
  it('apply publishes version 1 and prints the change list', async () => {
    const example = await cli.writeWorkFile('portico.yaml', await readFile(EXAMPLE, 'utf8'));
    const run = await cli.portico(['apply', '-f', example, '-m', 'first import']);
    expect(run.stderr).toBe('');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ACTION\s+KIND\s+NAME$/m);
    expect(run.stdout).toMatch(/^create\s+service\s+orders$/m);
    expect(run.stdout).toMatch(/^create\s+api\s+payments-api$/m);
    expect(run.stdout).toMatch(/^create\s+consumer\s+globex$/m);
    expect(run.stdout).toMatch(/^published version 1 \(sha256 [0-9a-f]{12}\)$/m);
    const version = await cli.control.db.configVersion.findUniqueOrThrow({ where: { number: 1 } });
    expect(version.message).toBe('first import');
    expect(await cli.control.db.service.count()).toBe(3);
  });

  it('apply of the same file again prints "no changes" and publishes nothing', async () => {
    const run = await cli.portico(['apply', '-f', 'portico.yaml']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('no changes\n');
    expect(await cli.versionCount()).toBe(1);
  });

  it('dump then apply of the dump changes nothing', async () => {
    const dump = await cli.portico(['dump', '-o', 'dumped.yaml']);
    expect(dump.exitCode, dump.stderr).toBe(0);
    expect(dump.stderr).toBe('wrote dumped.yaml\n');
    const dumped = parseYaml(await readFile(join(cli.workDir, 'dumped.yaml'), 'utf8')) as {
      apis: { name: string }[];
    };
    expect(dumped.apis.map((a) => a.name).sort()).toEqual([
      'inventory-api',
      'orders-api',
      'payments-api',
    ]);
    // Registry credentials are write-only.
    expect(await readFile(join(cli.workDir, 'dumped.yaml'), 'utf8')).not.toContain(
      'replace-with-a-consul-acl-token',
    );

    const apply = await cli.portico(['apply', '-f', 'dumped.yaml']);
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(apply.stdout).toBe('no changes\n');
    expect(await cli.versionCount()).toBe(1);
  });

  it('dump --json prints the same document as JSON', async () => {
    const run = await cli.portico(['dump', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const yaml = parseYaml(await readFile(join(cli.workDir, 'dumped.yaml'), 'utf8'));
    expect(JSON.parse(run.stdout)).toEqual(yaml);
  });

  it('diff prints what would change, exits 0 and changes nothing', async () => {
    const changed = await cli.writeWorkFile('changed.yaml', await changedExample());
    const servicesBefore = await cli.control.db.service.count();
    const run = await cli.portico(['diff', '-f', changed]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^create\s+service\s+audit-sink$/m);
    expect(run.stdout).toMatch(/^update\s+service\s+orders$/m);
    expect(run.stdout).toContain('1 to create, 1 to update, 0 to delete');
    expect(await cli.control.db.service.count()).toBe(servicesBefore);
    expect(await cli.versionCount()).toBe(1);

    const json = await cli.portico(['diff', '-f', changed, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      changes: expect.arrayContaining([{ kind: 'service', name: 'audit-sink', action: 'create' }]),
      wouldPublish: true,
    });

    const same = await cli.portico(['diff', '-f', 'portico.yaml']);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toBe('no differences\n');
  });

  it('apply --dry-run changes nothing', async () => {
    const run = await cli.portico(['apply', '-f', 'changed.yaml', '--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'dry run: nothing was changed; applying would publish a new version',
    );
    expect(await cli.control.db.service.findUnique({ where: { name: 'audit-sink' } })).toBeNull();
    expect(await cli.versionCount()).toBe(1);
  });

  it('apply of the changed file publishes version 2', async () => {
    const run = await cli.portico(['apply', '-f', 'changed.yaml', '-m', 'tighter connect timeout']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^published version 2 /m);
    expect(
      await cli.control.db.service.findUnique({ where: { name: 'audit-sink' } }),
    ).not.toBeNull();
  });

  it('versions list, diff and rollback', async () => {
    const list = await cli.portico(['versions', 'list']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^VERSION\s+CREATED\s+AUTHOR\s+SHA256\s+MESSAGE$/m);
    expect(list.stdout).toMatch(/^2\s+.*tighter connect timeout$/m);
    expect(list.stdout).toMatch(/^1\s+.*first import$/m);
    const listJson = JSON.parse((await cli.portico(['versions', 'list', '--json'])).stdout) as {
      items: { number: number }[];
    };
    expect(listJson.items.map((v) => v.number)).toEqual([2, 1]);

    const diff = await cli.portico(['versions', 'diff', '1', '2']);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^added\s+service\s+audit-sink\s*$/m);
    expect(diff.stdout).toMatch(/^changed\s+service\s+orders\s+.*timeouts\.connectMs/m);

    const rollback = await cli.portico(['versions', 'rollback', '1', '-m', 'undo timeout change']);
    expect(rollback.exitCode, rollback.stderr).toBe(0);
    expect(rollback.stdout).toMatch(/^rolled back to version 1: published as version 3 /);
    const v3 = await cli.control.db.configVersion.findUniqueOrThrow({ where: { number: 3 } });
    const v1 = await cli.control.db.configVersion.findUniqueOrThrow({ where: { number: 1 } });
    expect(v3.rollbackOf).toBe(1);
    expect(v3.hash).toBe(v1.hash);

    const identical = await cli.portico(['versions', 'diff', '1', '3']);
    expect(identical.stdout).toBe('versions 1 and 3 are identical\n');
  });

  it('keys create prints the key once, list shows its prefix, revoke revokes it', async () => {
    const create = await cli.portico([
      'keys',
      'create',
      '--consumer',
      'acme-shop',
      '--name',
      'ci',
      '--expires',
      '30d',
    ]);
    expect(create.exitCode, create.stderr).toBe(0);
    const clear = create.stdout.trim();
    expect(clear).toMatch(/^pk_[0-9A-Za-z]+$/);
    expect(create.stderr).toContain('shown only this once');
    const row = await cli.control.db.apiKey.findUniqueOrThrow({
      where: { hash: createHash('sha256').update(clear).digest('hex') },
    });
    expect(row.name).toBe('ci');
    const days = ((row.expiresAt?.getTime() ?? 0) - row.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(30, 2);
    expect(create.stderr).toContain(row.id);

    const list = await cli.portico(['keys', 'list', '--consumer', 'acme-shop']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(`^${row.id}\\s+acme-shop\\s+ci\\s+${row.start}\\s+active\\s`, 'm'),
    );
    expect(list.stdout).not.toContain(clear);

    const revoke = await cli.portico(['keys', 'revoke', row.id]);
    expect(revoke.exitCode, revoke.stderr).toBe(0);
    expect(revoke.stdout).toBe(`revoked key ${row.id}\n`);
    expect(
      (await cli.control.db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt,
    ).not.toBeNull();
    const after = await cli.portico(['keys', 'list', '--json']);
    const keys = JSON.parse(after.stdout) as { id: string; revokedAt: string | null }[];
    expect(keys.find((k) => k.id === row.id)?.revokedAt).not.toBeNull();
  });

  it('keys create for an unknown consumer exits 2 and creates nothing', async () => {
    const before = await cli.control.db.apiKey.count();
    const run = await cli.portico(['keys', 'create', '--consumer', 'nobody']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      '--consumer: no consumer named "nobody" (known: acme-shop, globex)',
    );
    expect(await cli.control.db.apiKey.count()).toBe(before);
  });

  it('tokens create prints data-plane, registry and personal tokens once; a personal token works', async () => {
    const dp = await cli.portico(['tokens', 'create', '--type', 'dataplane', '--name', 'gw-eu']);
    expect(dp.exitCode, dp.stderr).toBe(0);
    expect(dp.stdout.trim()).toMatch(/^pdp_/);
    const registry = await cli.portico([
      'tokens',
      'create',
      '--type',
      'registry',
      '--name',
      'k8s',
      '--scopes',
      'register',
    ]);
    expect(registry.exitCode, registry.stderr).toBe(0);
    expect(registry.stdout.trim()).toMatch(/^prg_/);
    const machine = await cli.control.db.machineToken.findMany({ orderBy: { createdAt: 'asc' } });
    expect(machine.map((t) => [t.kind, t.name, t.scopes])).toEqual([
      ['dataplane', 'gw-eu', []],
      ['registry', 'k8s', ['register']],
    ]);

    const personal = await cli.portico([
      'tokens',
      'create',
      '--type',
      'personal',
      '--name',
      'ci',
      '--expires',
      '7d',
      '--json',
    ]);
    expect(personal.exitCode, personal.stderr).toBe(0);
    const created = JSON.parse(personal.stdout) as { token: string; id: string };
    expect(created.token).toMatch(/^pat_/);
    const status = await cli.portico(['status'], created.token);
    expect(status.exitCode, status.stderr).toBe(0);
  });

  it('status lists data-plane nodes with their versions and flags stale ones', async () => {
    const dp = await cli.portico([
      'tokens',
      'create',
      '--type',
      'dataplane',
      '--name',
      'gw-status',
      '--json',
    ]);
    const { token } = JSON.parse(dp.stdout) as { token: string };
    const report = await fetch(`${cli.control.url}/dp/v1/nodes/gw-1/status`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        [DATA_PLANE_NODE_HEADER]: 'gw-1',
      },
      body: JSON.stringify({
        hostname: 'gw-host-1',
        appliedVersion: 3,
        appliedHash: 'a'.repeat(64),
        credentialSeq: 0,
        error: null,
      }),
    });
    expect(report.status).toBe(204);
    // A node last heard from ten minutes ago: the control plane calls it stale.
    await cli.control.db.dataPlaneNode.create({
      data: {
        id: 'gw-old',
        hostname: 'gw-host-2',
        appliedVersion: 1,
        lastSeenAt: new Date(Date.now() - 600_000),
      },
    });

    const run = await cli.portico(['status']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('latest published version: 3');
    expect(run.stdout).toMatch(/^gw-1\s+gw-host-1\s+3\s+a{12}\s+\d+s ago\s+ok\s*$/m);
    expect(run.stdout).toMatch(/^gw-old\s+gw-host-2\s+1\s+-\s+10m ago\s+STALE\s*$/m);
    expect(run.stdout).toContain('2 nodes: 1 stale, 0 behind');

    const json = JSON.parse((await cli.portico(['status', '--json'])).stdout) as {
      nodes: { id: string; stale: boolean }[];
    };
    expect(json.nodes.map((n) => [n.id, n.stale])).toEqual([
      ['gw-1', false],
      ['gw-old', true],
    ]);
  });

  it('usage sums the rollups for one API over the window', async () => {
    const orders = await cli.control.db.api.findUniqueOrThrow({ where: { name: 'orders-api' } });
    const payments = await cli.control.db.api.findUniqueOrThrow({
      where: { name: 'payments-api' },
    });
    const acme = await cli.control.db.consumer.findUniqueOrThrow({ where: { name: 'acme-shop' } });
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    // 26 latency buckets (bounds in @portico/analytics); every request here took at most 10 ms.
    const buckets = (n: number) => Array.from({ length: 26 }, (_, i) => (i === 5 ? n : 0));
    const row = { minute, routeId: '', keyId: '', bytesIn: 0n, bytesOut: 0n };
    await cli.control.db.usageMinute.createMany({
      data: [
        {
          ...row,
          apiId: orders.id,
          consumerId: acme.id,
          statusClass: 2,
          count: 8,
          errorCount: 0,
          latencyBuckets: buckets(8),
        },
        {
          ...row,
          apiId: orders.id,
          consumerId: acme.id,
          statusClass: 5,
          count: 2,
          errorCount: 2,
          latencyBuckets: buckets(2),
        },
        {
          ...row,
          apiId: payments.id,
          consumerId: acme.id,
          statusClass: 2,
          count: 5,
          errorCount: 0,
          latencyBuckets: buckets(5),
        },
      ],
    });

    const run = await cli.portico(['usage', '--api', 'orders-api', '--since', '1h']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage from \S+ to \S+ \(api orders-api\)$/m);
    expect(run.stdout).toMatch(/^REQUESTS\s+ERRORS\s+ERROR RATE\s+P50 MS\s+P95 MS\s+P99 MS$/m);
    expect(run.stdout).toMatch(/^10\s+2\s+20\.00%\s+[\d.]+\s+[\d.]+\s+[\d.]+$/m);

    const all = JSON.parse(
      (await cli.portico(['usage', '--consumer', 'acme-shop', '--json'])).stdout,
    ) as {
      requests: number;
      errors: number;
      p99Ms: number | null;
    };
    expect(all).toMatchObject({ requests: 15, errors: 2 });
    expect(all.p99Ms).not.toBeNull();
    expect(all.p99Ms ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(10);

    const unknown = await cli.portico(['usage', '--api', 'no-such-api']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toBe('error: NOT_FOUND: apiName: no API named no-such-api\n');
  });
});
