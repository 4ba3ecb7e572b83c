import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  RedisServer,
  type RunningProcess,
  runToCompletion,
  startControlPlane,
  startGatewayProcess,
  startProcess,
  startWorkerProcess,
} from '@portico/testkit';
import type { TestProject } from 'vitest/node';
import { startMailbox } from './mailbox';
import { logFile, REPO_ROOT, RESULTS_DIR } from './paths';
import type { StackInfo } from './stack-info';
import { trpcMutation } from './trpc-http';
import { startUpstream } from './upstream';
import { answers, waitFor } from './wait';

const CONSOLE_DIR = join(REPO_ROOT, 'apps/console');
const PORTAL_DIR = join(REPO_ROOT, 'apps/portal');
const NEXT_BIN = join(REPO_ROOT, 'node_modules/.bin/next');

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
    const [controlPort, consolePort, portalPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const portalUrl = `http://127.0.0.1:${portalPort}`;
    // The control plane mails portal links (verification, reset) to a real SMTP server.
    const mailbox = await startMailbox(join(RESULTS_DIR, 'mail'));
    cleanups.push(() => mailbox.close());
    const controlUrl = `http://127.0.0.1:${controlPort}`;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;

    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const redisUrl = redis.url;

    const control = await startControlPlane({
      port: controlPort,
      redisUrl,
      logFile: logFile('control'),
      env: {
        PORTICO_CONSOLE_ORIGINS: `${consoleUrl},http://localhost:${consolePort}`,
        PORTICO_PORTAL_ORIGINS: portalUrl,
        PORTICO_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
        PORTICO_PORTAL_URL: portalUrl,
      },
    });
    cleanups.push(() => control.close());
    const ownerToken = control.token;

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
    const gateway = await startGatewayProcess({
      controlUrl,
      dpToken: dpToken.token,
      stateDir,
      logFile: logFile('gateway'),
      env: {
        PORTICO_GATEWAY_NODE_ID: 'e2e-gateway-1',
        PORTICO_GATEWAY_SYNC_WAIT_SECONDS: '5',
        REDIS_URL: redisUrl,
      },
      isReady: (statusUrl) => answers(`${statusUrl}/healthz`),
    });
    started.push(gateway);

    const worker = await startWorkerProcess({
      databaseUrl: control.database.url,
      redisUrl,
      env: { LOG_LEVEL: 'warn' },
      logFile: logFile('worker'),
      // At warn level it never logs that it is ready; it is checked to be running at the end.
      waitUntilReady: false,
    });
    started.push(worker);

    const upstream = await startUpstream();
    cleanups.push(() => upstream.close());

    // The rewrite target is fixed at build time, so the console is built for this control port.
    // Its type check is skipped here: `tsc -p apps/console` is its own step.
    await startNextApp(
      {
        name: 'console',
        dir: CONSOLE_DIR,
        port: consolePort,
        env: {
          PORTICO_CONTROL_URL: controlUrl,
          NEXT_TELEMETRY_DISABLED: '1',
          // Developers who sign in to the console are sent to the portal.
          PORTICO_PORTAL_URL: portalUrl,
        },
        skipTypecheckVariable: 'PORTICO_CONSOLE_SKIP_TYPECHECK',
      },
      started,
    );

    // The developer portal, built and started the same way.
    await startNextApp(
      {
        name: 'portal',
        dir: PORTAL_DIR,
        port: portalPort,
        env: { PORTICO_CONTROL_URL: controlUrl, NEXT_TELEMETRY_DISABLED: '1' },
        skipTypecheckVariable: 'PORTICO_PORTAL_SKIP_TYPECHECK',
      },
      started,
    );
    worker.assertRunning();

    const info: StackInfo = {
      consoleUrl,
      controlUrl,
      gatewayUrl: gateway.url,
      gatewayStatusUrl: gateway.statusUrl,
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

interface NextApp {
  name: 'console' | 'portal';
  dir: string;
  port: number;
  env: Record<string, string>;
  /** The app's switch that skips the type check in `next build` (`tsc -p` is its own step). */
  skipTypecheckVariable: string;
}

/**
 * Builds a Next.js app (unless PORTICO_E2E_REUSE_BUILD=1 finds a build) and starts it, adding it
 * to `started` before waiting, so a start that never answers is still stopped. The rewrite
 * target is fixed at build time, so each run builds for its own control port.
 */
async function startNextApp(app: NextApp, started: RunningProcess[]): Promise<void> {
  if (process.env.PORTICO_E2E_REUSE_BUILD !== '1' || !existsSync(join(app.dir, '.next/BUILD_ID'))) {
    await runToCompletion(`${app.name}-build`, NEXT_BIN, ['build'], {
      cwd: app.dir,
      env: { ...app.env, [app.skipTypecheckVariable]: 'true' },
      inheritEnv: true,
      logFile: logFile(`${app.name}-build`),
    });
  }
  const server = startProcess(
    app.name,
    NEXT_BIN,
    ['start', '--port', String(app.port), '--hostname', '127.0.0.1'],
    { cwd: app.dir, env: app.env, inheritEnv: true, logFile: logFile(app.name) },
  );
  started.push(server);
  const url = `http://127.0.0.1:${app.port}/sign-in`;
  await waitFor(
    `the ${app.name} to serve /sign-in`,
    () => {
      server.assertRunning();
      return answers(url);
    },
    { timeoutMs: 60_000 },
  );
}
