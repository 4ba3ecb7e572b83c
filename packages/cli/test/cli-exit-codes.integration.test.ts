import { readFile } from 'node:fs/promises';
import { generateSecret } from '@portico/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { changedExample, EXAMPLE, useCliFixture } from './cli-fixture';
import { runPortico } from './harness/run-portico';

const cli = useCliFixture();

// The state these tests start from: the example applied, and the changed file beside it.
beforeAll(async () => {
  await cli.writeWorkFile('portico.yaml', await readFile(EXAMPLE, 'utf8'));
  await cli.writeWorkFile('changed.yaml', await changedExample());
  const applied = await cli.portico(['apply', '-f', 'portico.yaml', '-m', 'first import']);
  if (applied.exitCode !== 0) throw new Error(`applying the example failed: ${applied.stderr}`);
});

describe('portico exit codes against a real control plane', () => {
  it('a schema error exits 2 naming the path and nothing is written', async () => {
    const file = await cli.writeWorkFile(
      'bad.yaml',
      ['services:', '  - name: fresh', '    targets: ["127.0.0.1:9001", "10.0.0.1"]', ''].join(
        '\n',
      ),
    );
    const before = await cli.versionCount();
    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toBe(
      'error: bad.yaml:3:33: services[0].targets[1]: target "10.0.0.1" must look like "host:port"\n',
    );
    expect(run.stdout).toBe('');
    expect(await cli.control.db.service.findUnique({ where: { name: 'fresh' } })).toBeNull();
    expect(await cli.versionCount()).toBe(before);
  });

  it('publish with nothing to publish exits 1 with the server message', async () => {
    await cli.portico(['apply', '-f', 'portico.yaml']);
    const before = await cli.versionCount();
    const run = await cli.portico(['publish', '-m', 'again']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^error: CONFLICT: .*nothing to publish/m);
    expect(await cli.versionCount()).toBe(before);
  });

  it('apply that would delete a plan with active subscriptions exits 1 and changes nothing', async () => {
    // A developer's portal app subscribed to "free": apply never deletes it, so the plan must stay.
    const developer = await cli.control.db.user.create({
      data: {
        id: 'usr_cli_dev',
        email: 'dev@example.test',
        name: 'Dev',
        passwordHash: 'unused',
        kind: 'developer',
      },
    });
    const free = await cli.control.db.plan.findUniqueOrThrow({ where: { name: 'free' } });
    const app = await cli.control.db.consumer.create({
      data: { id: 'csm_cli_dev_app', name: 'dev-app', ownerId: developer.id },
    });
    await cli.control.db.subscription.create({
      data: { id: 'sub_cli_dev_app', consumerId: app.id, planId: free.id, status: 'active' },
    });
    const document = parseYaml(await readFile(EXAMPLE, 'utf8')) as {
      plans: { name: string }[];
      consumers: { name: string; plans: string[] }[];
    };
    document.plans = document.plans.filter((p) => p.name !== 'free');
    for (const consumer of document.consumers)
      consumer.plans = consumer.plans.filter((p) => p !== 'free');
    const file = await cli.writeWorkFile('without-free.yaml', toYaml(document));
    const before = await cli.versionCount();

    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      'error: CONFLICT: plans: plan free has 1 active subscription(s); cancel them or keep the plan in the file\n',
    );
    expect(run.stdout).toBe('');
    // The whole apply rolled back: the plan is there and acme-shop is still subscribed to it.
    expect(await cli.control.db.plan.findUnique({ where: { name: 'free' } })).not.toBeNull();
    const acme = await cli.control.db.consumer.findUniqueOrThrow({
      where: { name: 'acme-shop' },
      include: { subscriptions: { include: { plan: true } } },
    });
    expect(acme.subscriptions.map((sub) => [sub.plan.name, sub.status])).toEqual([
      ['free', 'active'],
    ]);
    expect(await cli.versionCount()).toBe(before);
  });

  it('a viewer token cannot apply: exit 1 FORBIDDEN, nothing written', async () => {
    const secret = generateSecret('personalToken');
    await cli.control.db.user.create({
      data: {
        id: 'usr_cli_viewer',
        email: 'viewer@example.test',
        name: 'Viewer',
        passwordHash: 'unused',
        kind: 'operator',
        role: 'viewer',
        personalTokens: {
          create: { id: 'pat_cli_viewer', name: 'cli', hash: secret.hash, start: secret.start },
        },
      },
    });
    const before = await cli.versionCount();
    const run = await cli.portico(['apply', '-f', 'changed.yaml'], secret.clear);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      'error: FORBIDDEN: this needs the editor role or higher; you are viewer\n',
    );
    expect(await cli.versionCount()).toBe(before);
    // Reading is allowed.
    expect((await cli.portico(['versions', 'list'], secret.clear)).exitCode).toBe(0);
  });

  it('rollback to a version that does not exist exits 1 (NOT_FOUND)', async () => {
    const run = await cli.portico(['versions', 'rollback', '999']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toBe('error: NOT_FOUND: config version 999 does not exist\n');
  });

  it('a wrong token exits 1 with UNAUTHORIZED', async () => {
    const run = await cli.portico(['status'], 'pat_not-a-real-token');
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^error: UNAUTHORIZED: /);
  });

  it('an unreachable control plane exits 1 naming the URL', async () => {
    const run = await runPortico(['status'], {
      url: 'http://127.0.0.1:59999',
      token: cli.control.token,
      cwd: cli.workDir,
    });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'cannot reach the control plane at http://127.0.0.1:59999: ECONNREFUSED',
    );
  });

  it('a server-side BAD_REQUEST exits 2', async () => {
    // The CLI checks version numbers itself; an over-long message is only refused by the server.
    const run = await cli.portico(['publish', '-m', 'x'.repeat(600)]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^error: BAD_REQUEST: /);
  });
});
