import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import type { TestProject } from 'vitest/node';
import {
  assertRunning,
  REPO_ROOT,
  RESULTS_DIR,
  type RunningProcess,
  runToCompletion,
  startProcess,
} from './child-process';
import { freePort } from './free-port';
import { startMailbox } from './mailbox';
import { startPrivateRedis } from './redis';
import type { StackInfo } from './stack-info';
import { trpcMutation } from './trpc-http';
import { startUpstream } from './upstream';
import { answers, waitFor } from './wait';

const CONSOLE_DIR = join(REPO_ROOT, 'apps/console');
const PORTAL_DIR = join(REPO_ROOT, 'apps/portal');
const NEXT_BIN = join(REPO_ROOT, 'node_modules/.bin/next');
const TSX = ['--import', 'tsx'];

/**
 * Brings up the whole stack on free loopback ports against a fresh database: private Redis,
 * control plane, gateway (with a data-plane token made through tokens.createMachine), analytics
 * worker, an upstream HTTP server, and the console (`next build` then `next start`).
 */
export default async function setup(project: TestProject) {
  const started: RunningProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const p of started.reverse()) await p.stop();
    for (const c of cleanups.reverse()) await c();
  };

  // Screenshots and logs of an earlier run would mislead whoever looks at this one.
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  try {
    const [redisPort, controlPort, gatewayPort, statusPort, consolePort, portalPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const portalUrl = `http://127.0.0.1:${portalPort}`;
    // The control plane mails portal links (verification, reset) to a real SMTP server.
    const mailbox = await startMailbox(join(RESULTS_DIR, 'mail'));
    cleanups.push(() => mailbox.close());
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const controlUrl = `http://127.0.0.1:${controlPort}`;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;

    started.push(await startPrivateRedis(redisPort));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());

    const ownerToken = generateSecret('bootstrap').clear;
    const control = startProcess(
      'control',
      process.execPath,
      [...TSX, 'apps/control/src/main.ts'],
      {
        env: {
          DATABASE_URL: database.url,
          REDIS_URL: redisUrl,
          PORTICO_CONTROL_PORT: String(controlPort),
          PORTICO_CONTROL_HOST: '127.0.0.1',
          PORTICO_SECRET_KEY: randomBytes(32).toString('hex'),
          PORTICO_SESSION_SECRET: randomBytes(48).toString('base64'),
          PORTICO_BOOTSTRAP_TOKEN: ownerToken,
          PORTICO_CONSOLE_ORIGINS: `${consoleUrl},http://localhost:${consolePort}`,
          PORTICO_PORTAL_ORIGINS: portalUrl,
          PORTICO_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
          PORTICO_PORTAL_URL: portalUrl,
          PORTICO_LOG_LEVEL: 'warn',
        },
      },
    );
    started.push(control);
    await waitFor('the control plane /healthz', () => {
      assertRunning(control);
      return answers(`${controlUrl}/healthz`);
    });

    // People who sign in through the browser: an admin and a viewer, by invitation.
    const bearer = { bearer: ownerToken };
    const admin = { email: 'admin-e2e@example.com', password: 'correct horse battery staple' };
    const viewer = { email: 'viewer-e2e@example.com', password: 'viewer horse battery staple' };
    for (const [person, role, name] of [
      [admin, 'admin', 'Ada Admin'],
      [viewer, 'viewer', 'Vic Viewer'],
    ] as const) {
      const invite = await trpcMutation<{ inviteToken: string }>(
        controlUrl,
        'users.invite',
        { email: person.email, role },
        bearer,
      );
      await trpcMutation(controlUrl, 'auth.acceptInvite', {
        token: invite.inviteToken,
        password: person.password,
        name,
      });
    }
    const dpToken = await trpcMutation<{ token: string }>(
      controlUrl,
      'tokens.createMachine',
      { kind: 'dataplane', name: 'e2e-gateway' },
      bearer,
    );

    const stateDir = mkdtempSync(join(tmpdir(), 'portico-e2e-gateway-'));
    cleanups.push(async () => rmSync(stateDir, { recursive: true, force: true }));
    const gateway = startProcess('gateway', process.execPath, [...TSX, 'src/main.ts'], {
      cwd: join(REPO_ROOT, 'apps/gateway'),
      env: {
        PORTICO_CONTROL_URL: controlUrl,
        PORTICO_DP_TOKEN: dpToken.token,
        PORTICO_GATEWAY_PORT: String(gatewayPort),
        PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
        PORTICO_GATEWAY_HOST: '127.0.0.1',
        PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
        PORTICO_GATEWAY_STATE_DIR: stateDir,
        PORTICO_GATEWAY_WORKERS: '1',
        PORTICO_GATEWAY_NODE_ID: 'e2e-gateway-1',
        PORTICO_GATEWAY_SYNC_WAIT_SECONDS: '5',
        REDIS_URL: redisUrl,
        LOG_LEVEL: 'warn',
      },
    });
    started.push(gateway);
    await waitFor('the gateway status /healthz', () => {
      assertRunning(gateway);
      return answers(`http://127.0.0.1:${statusPort}/healthz`);
    });

    const worker = startProcess('worker', process.execPath, [...TSX, 'src/main.ts'], {
      cwd: join(REPO_ROOT, 'apps/worker'),
      env: { DATABASE_URL: database.url, REDIS_URL: redisUrl, LOG_LEVEL: 'warn' },
    });
    started.push(worker);

    const upstream = await startUpstream();
    cleanups.push(() => upstream.close());

    // The rewrite target is fixed at build time, so the console is built for this control port.
    // Its type check is skipped here: `tsc -p apps/console` is its own step.
    const consoleEnv = {
      PORTICO_CONTROL_URL: controlUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      // Developers who sign in to the console are sent to the portal.
      PORTICO_PORTAL_URL: portalUrl,
    };
    if (
      process.env.PORTICO_E2E_REUSE_BUILD !== '1' ||
      !existsSync(join(CONSOLE_DIR, '.next/BUILD_ID'))
    ) {
      await runToCompletion('console-build', NEXT_BIN, ['build'], {
        cwd: CONSOLE_DIR,
        env: { ...consoleEnv, PORTICO_CONSOLE_SKIP_TYPECHECK: 'true' },
      });
    }
    const consoleServer = startProcess(
      'console',
      NEXT_BIN,
      ['start', '--port', String(consolePort), '--hostname', '127.0.0.1'],
      { cwd: CONSOLE_DIR, env: consoleEnv },
    );
    started.push(consoleServer);
    await waitFor(
      'the console to serve /sign-in',
      () => {
        assertRunning(consoleServer);
        return answers(`${consoleUrl}/sign-in`);
      },
      { timeoutMs: 60_000 },
    );

    // The developer portal, built and started the same way.
    const portalEnv = { PORTICO_CONTROL_URL: controlUrl, NEXT_TELEMETRY_DISABLED: '1' };
    if (
      process.env.PORTICO_E2E_REUSE_BUILD !== '1' ||
      !existsSync(join(PORTAL_DIR, '.next/BUILD_ID'))
    ) {
      await runToCompletion('portal-build', NEXT_BIN, ['build'], {
        cwd: PORTAL_DIR,
        env: { ...portalEnv, PORTICO_PORTAL_SKIP_TYPECHECK: 'true' },
      });
    }
    const portalServer = startProcess(
      'portal',
      NEXT_BIN,
      ['start', '--port', String(portalPort), '--hostname', '127.0.0.1'],
      { cwd: PORTAL_DIR, env: portalEnv },
    );
    started.push(portalServer);
    await waitFor(
      'the portal to serve /sign-in',
      () => {
        assertRunning(portalServer);
        return answers(`${portalUrl}/sign-in`);
      },
      { timeoutMs: 60_000 },
    );
    assertRunning(worker);

    const info: StackInfo = {
      consoleUrl,
      controlUrl,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      gatewayStatusUrl: `http://127.0.0.1:${statusPort}`,
      upstreamPort: upstream.port,
      ownerToken,
      admin,
      viewer,
      resultsDir: RESULTS_DIR,
      analytics: true,
      portalUrl,
      mailDir: mailbox.dir,
    };
    project.provide('stack', info);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
