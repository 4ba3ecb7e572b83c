import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trpcQuery } from '../stack/trpc-http';
import { waitFor } from '../stack/wait';
import { launchChromium, screenshot, signedInPage } from './browser';
import {
  createKey,
  createOpenApi,
  createPlan,
  createRegistry,
  createRegistryService,
  createRegistryToken,
  createStaticService,
  createSubscribedConsumer,
  dialog,
  inviteMember,
  mutateFromPage,
  openInstances,
  publishDraft,
  waitForNodeVersion,
} from './console-pages';
import { gatewayClient, registerInstance } from './stack-calls';

const stack = inject('stack');
const { callGateway, waitForGatewayStatus } = gatewayClient(stack.gatewayUrl);

describe('operator console against the whole running stack', () => {
  let browser: Browser;
  let admin: Page;
  let clearKey = '';

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs an admin in and shows the overview with their role', async () => {
    admin = await signedInPage(browser, stack, stack.admin);
    expect(await admin.getByTestId('my-role').textContent()).toBe('admin');
    await admin.getByRole('heading', { name: 'Unpublished changes' }).waitFor();
    await screenshot(admin, stack, '01-overview-signed-in');
  });

  it('refuses a wrong password with the server message and stays on sign-in', async () => {
    const context = await browser.newContext({ baseURL: stack.consoleUrl });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Next's route announcer also has role=alert; the form's own alert carries the class.
    const alert = page.locator('.alert[role=alert]');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, stack, '02-sign-in-refused');
    await context.close();
  });

  it('creates a service, an API (validating as the user types) and a plan', async () => {
    const service = { name: 'orders-svc', host: '127.0.0.1', port: stack.upstreamPort };
    await createStaticService(admin, service);
    await screenshot(admin, stack, '03-services');

    await admin.goto('/apis');
    await admin.getByRole('button', { name: 'New API' }).click();
    const d = dialog(admin);
    await d.getByLabel('Name', { exact: true }).fill('orders');
    await d.getByLabel('Service').selectOption({ label: 'orders-svc' });
    await d.getByLabel('Base path', { exact: true }).fill('orders');
    // The shared ZBasePath rule answers while typing, before any submit.
    await d.getByText('must be "/" or start with "/"').waitFor();
    await d.getByLabel('Base path', { exact: true }).fill('/orders');
    expect(await d.getByText('must be "/" or start with "/"').count()).toBe(0);
    await d.getByRole('button', { name: 'Create API' }).click();
    await admin.getByRole('cell', { name: '/orders' }).waitFor();
    await screenshot(admin, stack, '04-apis');

    await createPlan(admin, { name: 'gold', apis: ['orders'] });
    await screenshot(admin, stack, '05-plans');
  });

  it('publishes the draft and the data plane picks up the version', async () => {
    await admin.goto('/config');
    await admin
      .getByTestId('snapshot-diff')
      .getByText('orders', { exact: false })
      .first()
      .waitFor();
    await admin.getByLabel('Publish message').fill('first APIs');
    await admin.getByRole('button', { name: 'Publish' }).click();
    await admin.getByText('Published v1').waitFor();
    await admin.getByTestId('nothing-to-publish').waitFor();
    await screenshot(admin, stack, '06-config-published');

    await waitForNodeVersion(admin, 1);
    await screenshot(admin, stack, '07-data-planes-v1');
  });

  it('creates a consumer, subscribes it and creates a key shown once with a copy button', async () => {
    await createSubscribedConsumer(admin, 'acme', 'gold');
    const secret = await createKey(admin, 'acme');
    const d = dialog(admin);
    await secret.waitFor();
    clearKey = (await secret.textContent())?.trim() ?? '';
    expect(clearKey).toMatch(/^pk_/);
    await d.getByRole('button', { name: 'Copy key' }).click();
    await d.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(clearKey);
    await screenshot(admin, stack, '08-key-shown-once');
    await d.getByRole('button', { name: 'Done' }).click();
    await admin.getByTestId('keys-table').getByText('active').waitFor();
  });

  it('calls the gateway with that key, and the call shows up in analytics', async () => {
    const ok = await waitForGatewayStatus('/orders/hello', 200, clearKey);
    expect(ok.body).toMatchObject({ upstream: 'e2e', method: 'GET' });
    expect((await callGateway('/orders/hello')).status).toBe(401);

    // Gateway → Redis queue → worker → rollups → usage.summary.
    await waitFor(
      'the call to reach usage.summary',
      async () => {
        const summary = await trpcQuery<{ requests: number }>(
          stack.controlUrl,
          'usage.summary',
          { sinceSeconds: 3600 },
          { bearer: stack.ownerToken },
        );
        return summary.requests >= 1 ? summary : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await admin.goto('/analytics');
    await admin.getByRole('heading', { name: 'Analytics' }).waitFor();
    // The stat shows "…" while loading; wait for a positive count, then for the explorer row.
    await admin
      .getByTestId('total-requests')
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor({ timeout: 30_000 });
    await admin
      .getByTestId('request-explorer')
      .getByRole('cell', { name: '200' })
      .first()
      .waitFor();
    // The pipeline panel reads the queue the gateway fills: the stack's worker is connected.
    await admin
      .getByTestId('pipeline-workers')
      .filter({ hasText: /^[1-9]\d* \(/ })
      .waitFor();
    await screenshot(admin, stack, '09-analytics');

    // The overview ranks the API the call went to, over the range chosen there.
    await admin.goto('/');
    await admin.getByLabel('Range').selectOption('15m');
    await admin.getByTestId('top-apis').getByText('orders', { exact: true }).waitFor();
  });

  it('shows the service instance the gateway reports, live', async () => {
    const d = await openInstances(admin, /orders-svc/);
    await d
      .getByRole('cell', { name: `127.0.0.1:${stack.upstreamPort}` })
      .waitFor({ timeout: 30_000 });
    await d.getByText('healthy').first().waitFor();
    await screenshot(admin, stack, '09b-service-instances');
  });

  it('revokes the key after confirmation, and the next call is refused with 401', async () => {
    await admin.goto('/keys');
    await admin.getByRole('button', { name: 'Revoke' }).click();
    const d = dialog(admin);
    await d.getByText('Calls with this key are refused').waitFor();
    await d.getByRole('button', { name: 'Revoke' }).click();
    await admin.getByTestId('keys-table').getByText('revoked').waitFor();
    await screenshot(admin, stack, '10-key-revoked');
    const refused = await waitForGatewayStatus('/orders/hello', 401, clearKey);
    expect(refused.status).toBe(401);
  });

  it('rolls back to an earlier version and the gateway follows', async () => {
    // v2 adds an open API; rolling back to v1 must take it away again.
    await createOpenApi(admin, { name: 'status', service: 'orders-svc', basePath: '/status' });
    await publishDraft(admin, 'open status API', 'Published v2');
    await waitForGatewayStatus('/status/ping', 200);

    await admin.goto('/config');
    const v1 = admin.getByTestId('versions').getByRole('row', { name: /v1\b/ });
    await v1.getByRole('button', { name: 'Roll back' }).click();
    await dialog(admin).getByRole('button', { name: 'Roll back' }).click();
    await admin.getByText('rollback of v1').waitFor();
    await screenshot(admin, stack, '11-config-rolled-back');
    await waitForGatewayStatus('/status/ping', 404);
    await waitForNodeVersion(admin, 3);
    await screenshot(admin, stack, '12-data-planes-v3');
  });

  it('creates a service from a registry and sees its live instances', async () => {
    // A registry token from Settings, used by the instance to register itself.
    const registryToken = await createRegistryToken(admin, 'e2e-registry');
    expect(registryToken.length).toBeGreaterThan(10);

    const registered = await registerInstance(stack.controlUrl, registryToken, {
      service: 'billing-svc',
      id: 'billing-1',
      address: '127.0.0.1',
      port: stack.upstreamPort,
    });
    expect(registered).toBe(200);

    const row = await createRegistry(admin, {
      name: 'local',
      type: 'builtin',
      address: stack.controlUrl,
      credentials: `token: ${registryToken}`,
    });
    const d = dialog(admin);
    await row.getByRole('button', { name: 'Test connection' }).click();
    await d.getByText('Connected').waitFor();
    await d.getByRole('button', { name: 'billing-svc' }).click();
    await d
      .getByTestId('registry-instances')
      .getByRole('cell', { name: String(stack.upstreamPort), exact: true })
      .waitFor();
    await screenshot(admin, stack, '13-registry-tested');
    await d.getByRole('button', { name: 'Close' }).click();

    await createRegistryService(admin, {
      name: 'billing',
      registryLabel: 'local (builtin)',
      registryService: 'billing-svc',
    });

    await createOpenApi(admin, { name: 'billing', service: 'billing', basePath: '/billing' });
    await publishDraft(admin, 'billing from the registry', 'Published v4');

    const through = await waitForGatewayStatus('/billing/invoices', 200);
    expect(through.body).toMatchObject({ upstream: 'e2e', path: '/invoices' });

    // Gateways send their instance health with the status report that follows a config change,
    // and registry instances are discovered after v4 was applied: editing the API (through its
    // form) and publishing v5 makes the gateway report what it has discovered.
    await admin.goto('/apis');
    await admin
      .getByRole('row', { name: /billing/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    await d.getByLabel('Max body (bytes)').fill('5242880');
    await d.getByRole('button', { name: 'Save API' }).click();
    await d.waitFor({ state: 'detached' });
    await admin.goto('/config');
    await admin
      .getByTestId('snapshot-diff')
      .getByText(/maxBodyBytes/)
      .waitFor();
    await admin.getByLabel('Publish message').fill('describe billing');
    await admin.getByRole('button', { name: 'Publish' }).click();
    await admin.getByText('Published v5').waitFor();
    await waitForNodeVersion(admin, 5);

    await (await openInstances(admin, /billing-svc/))
      .getByRole('cell', { name: `127.0.0.1:${stack.upstreamPort}` })
      .waitFor({ timeout: 30_000 });
    await screenshot(admin, stack, '14-registry-service-instances');
  });

  it('imports an OpenAPI document into a new API with its routes', async () => {
    const document = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Pets', version: '1.0.0' },
      servers: [{ url: 'https://pets.example.com/pets-api' }],
      paths: {
        '/pets': { get: { responses: { '200': { description: 'ok' } } } },
        '/pets/{petId}': { get: { responses: { '200': { description: 'ok' } } } },
      },
    });
    await admin.goto('/apis');
    await admin.getByRole('button', { name: 'Import OpenAPI' }).click();
    const d = dialog(admin);
    await d.getByLabel('API name').fill('pets');
    await d.getByLabel('Service').selectOption({ label: 'orders-svc' });
    await d.getByLabel('or paste the document').fill(document);
    await d.getByRole('button', { name: 'Import' }).click();
    const row = admin.getByRole('row', { name: /pets/ });
    await row.getByText('OpenAPI').waitFor();
    expect(await row.getByRole('cell', { name: '/pets-api' }).count()).toBe(1);
    await screenshot(admin, stack, '14b-openapi-imported');
  });

  it('approves a pending subscription, then rotates the key: old refused, new accepted', async () => {
    await createPlan(admin, { name: 'platinum', apis: ['orders'], approvalRequired: true });
    const d = dialog(admin);
    await publishDraft(admin, 'platinum plan', /Published v\d+/);

    await createSubscribedConsumer(admin, 'globex', 'platinum (needs approval)');
    const first = (await (await createKey(admin, 'globex')).textContent())?.trim() ?? '';
    await d.getByRole('button', { name: 'Done' }).click();
    // Pending: the key is known but the subscription does not grant the API yet.
    await waitForGatewayStatus('/orders/hello', 403, first);

    await admin.goto('/subscriptions');
    const pending = admin.getByRole('row', { name: /globex.*pending/ });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await admin.getByRole('row', { name: /globex.*active/ }).waitFor();
    await screenshot(admin, stack, '15a-subscription-approved');
    await waitForGatewayStatus('/orders/hello', 200, first);

    await admin.goto('/keys');
    await admin
      .getByRole('row', { name: /globex.*active/ })
      .getByRole('button', { name: 'Rotate' })
      .click();
    await d.getByRole('button', { name: 'Rotate' }).click();
    await d.getByRole('heading', { name: 'Your new API key' }).waitFor();
    const second = (await d.getByTestId('once-secret').textContent())?.trim() ?? '';
    expect(second).toMatch(/^pk_/);
    expect(second).not.toBe(first);
    await screenshot(admin, stack, '15b-key-rotated');
    await d.getByRole('button', { name: 'Done' }).click();
    await waitForGatewayStatus('/orders/hello', 200, second);
    await waitForGatewayStatus('/orders/hello', 401, first);
  });

  it('invites a member with a role, who accepts through the link and is signed in', async () => {
    const link = await inviteMember(admin, 'editor-e2e@example.com', 'editor');
    expect(link).toContain('/accept-invite?token=');
    await screenshot(admin, stack, '15c-invite-created');
    await dialog(admin).getByRole('button', { name: 'Done' }).click();

    const context = await browser.newContext({
      baseURL: stack.consoleUrl,
      viewport: { width: 1440, height: 900 },
    });
    const invitee = await context.newPage();
    await invitee.goto(link);
    await invitee.getByLabel('Your name').fill('Eddie Editor');
    await invitee.getByLabel('Password').fill('short');
    // ZPassword from @portico/config answers while typing.
    await invitee.getByText('must be at least 10 characters').waitFor();
    await invitee.getByLabel('Password').fill('editor horse battery staple');
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await invitee.getByTestId('my-role').textContent()).toBe('editor');
    await invitee.goto('/apis');
    await invitee.getByRole('button', { name: 'New API' }).waitFor();
    await context.close();

    await admin.goto('/settings');
    await admin.getByRole('row', { name: /editor-e2e@example\.com/ }).waitFor();
  });

  it('shows a viewer no mutating control, and the server refuses their mutation', async () => {
    const viewer = await signedInPage(browser, stack, stack.viewer);
    expect(await viewer.getByTestId('my-role').textContent()).toBe('viewer');
    await viewer.goto('/apis');
    await viewer.getByRole('cell', { name: '/orders' }).waitFor();
    for (const name of ['New API', 'Import OpenAPI', 'Edit', 'Delete']) {
      expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);
    }
    await screenshot(viewer, stack, '16-viewer-apis');
    for (const [path, button] of [
      ['/services', 'New service'],
      ['/plans', 'New plan'],
      ['/consumers', 'New consumer'],
      ['/keys', 'New key'],
    ] as const) {
      await viewer.goto(path);
      await viewer.getByRole('heading', { level: 1 }).waitFor();
      await viewer.locator('table, .empty').first().waitFor();
      expect(await viewer.getByRole('button', { name: button }).count(), button).toBe(0);
      expect(await viewer.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    }
    await viewer.goto('/config');
    await viewer.getByTestId('versions').waitFor();
    expect(await viewer.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Publish' }).count()).toBe(0);

    // A hand-made mutation from the viewer's own session is refused by the control plane.
    const attempt = await mutateFromPage(viewer, 'consumers.create', { name: 'sneaky' });
    expect(attempt.status).toBe(403);
    expect(attempt.body).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
    await viewer.goto('/consumers');
    await viewer.getByRole('cell', { name: /acme/ }).waitFor();
    expect(await viewer.getByText('sneaky').count()).toBe(0);

    // Members and machine tokens are admin-only: a viewer sees an explanation, no failing lists.
    await viewer.goto('/settings');
    await viewer.getByText('Admins manage members').waitFor();
    expect(await viewer.getByRole('heading', { name: 'Data-plane tokens' }).count()).toBe(0);
    expect(await viewer.locator('.alert[role=alert]').count()).toBe(0);

    // Signing out ends the session: the console sends the viewer back to sign-in.
    await viewer.getByRole('button', { name: 'Sign out' }).click();
    await viewer.waitForURL('**/sign-in');
    await viewer.goto('/apis');
    await viewer.waitForURL('**/sign-in?next=%2Fapis');
    await viewer.context().close();
  });
});
