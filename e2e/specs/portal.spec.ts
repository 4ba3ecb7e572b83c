import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { linkIn, messagesTo } from '../stack/mailbox';
import { waitFor } from '../stack/wait';
import { launchChromium, screenshot, signedInPage } from './browser';
import { publishWeatherForThePortal } from './portal-catalogue';
import { gatewayClient } from './stack-calls';

const stack = inject('stack');

const { gatewayStatus, waitForGatewayStatus } = gatewayClient(stack.gatewayUrl);

describe('developer portal against the whole running stack', () => {
  let browser: Browser;
  let context: BrowserContext;
  let dev: Page;
  const email = `dev-${Date.now()}@example.com`;
  const password = 'a developer password';
  let firstKey = '';
  let rotatedKey = '';

  beforeAll(async () => {
    await publishWeatherForThePortal(stack);
    // Routed once the gateway has the new version: no key is a 401, not a 404.
    await waitForGatewayStatus('/weather/forecast', 401);

    browser = await launchChromium();
    context = await browser.newContext({
      baseURL: stack.portalUrl,
      viewport: { width: 1440, height: 900 },
    });
    dev = await context.newPage();
    dev.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs a new developer up and verifies the address by the mailed link', async () => {
    await dev.goto('/sign-up');
    await dev.getByRole('heading', { name: 'Join Acme APIs' }).waitFor();
    await screenshot(dev, stack, 'portal-01-sign-up');
    await dev.getByLabel('Name').fill('Dana Developer');
    await dev.getByLabel('Work email').fill(email);
    await dev.getByLabel('Password').fill(password);
    await dev.getByRole('button', { name: 'Create account' }).click();
    await dev.getByTestId('sign-up-done').waitFor();
    await screenshot(dev, stack, 'portal-02-check-inbox');

    const link = await waitFor('the verification mail', () => {
      const mail = messagesTo(stack.mailDir, email).at(-1);
      return mail ? (linkIn(mail, '/verify-email') ?? undefined) : undefined;
    });
    expect(new URL(link).origin).toBe(stack.portalUrl);
    await dev.goto(link);
    await dev.getByTestId('verified').waitFor();
    expect(await dev.getByTestId('verified').textContent()).toContain('Dana Developer');
    await screenshot(dev, stack, 'portal-03-verified');
  });

  it('browses the catalogue and reads the API reference rendered from its OpenAPI document', async () => {
    await dev.getByRole('button', { name: 'Explore the APIs' }).click();
    await dev.getByTestId('api-card-weather').waitFor();
    expect(await dev.getByTestId('portal-name').textContent()).toBe('Acme APIs');
    await screenshot(dev, stack, 'portal-04-catalogue');

    // Filters live in the URL.
    await dev.getByLabel('Search').fill('nothing-like-this');
    await dev.getByText('No API matches these filters').waitFor();
    expect(new URL(dev.url()).searchParams.get('search')).toBe('nothing-like-this');
    await dev.getByRole('button', { name: 'Clear' }).click();
    await dev.getByTestId('api-card-weather').click();

    await dev
      .getByRole('heading', { name: /weather/ })
      .first()
      .waitFor();
    expect(await dev.getByTestId('api-gateway-url').textContent()).toBe(
      `${stack.gatewayUrl}/weather`,
    );
    await dev.getByTestId('api-plans').getByText('starter').waitFor();
    await dev
      .getByTestId('openapi-reference')
      .getByText('Get the forecast')
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(dev, stack, 'portal-05-api-reference');
  });

  it('creates an app, subscribes it to a plan and creates a key shown once with a curl line', async () => {
    await dev.goto('/apps');
    await dev.getByRole('button', { name: 'New app' }).first().click();
    const d = dev.getByRole('dialog');
    await d.getByLabel('Name').fill('weather-dashboard');
    await d.getByRole('button', { name: 'Create app' }).click();
    await dev.getByRole('heading', { name: 'weather-dashboard' }).waitFor();

    await dev.getByTestId('plan-starter').getByRole('button', { name: 'Subscribe' }).click();
    await dev
      .getByTestId('plan-starter')
      .getByTestId('subscription-status')
      .filter({ hasText: 'Active' })
      .waitFor();
    await screenshot(dev, stack, 'portal-06-app-subscribed');

    await dev.getByRole('button', { name: 'Create key' }).click();
    await dev.getByRole('dialog').getByLabel('Name').fill('dashboard');
    await dev.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
    firstKey = (await dev.getByTestId('clear-key').textContent())?.trim() ?? '';
    expect(firstKey).toMatch(/^pk_/);
    await dev.getByTestId('keys-table').getByText('dashboard').waitFor();
    expect(await dev.getByTestId('curl-line').textContent()).toContain(
      `curl -i -H "x-api-key: ${firstKey}" ${stack.gatewayUrl}/`,
    );
    await screenshot(dev, stack, 'portal-07-key-created');
    await dev.getByRole('button', { name: 'I have stored it' }).click();
    expect(await dev.getByTestId('revealed-key').count()).toBe(0);
  });

  it('uses Try it with the new key and gets a real 200 from the gateway', async () => {
    await dev.goto('/apis/weather');
    const tryIt = dev.getByTestId('try-it');
    // The key created in this tab is offered without pasting it.
    await tryIt.getByLabel('API key').selectOption({ index: 1 });
    await tryIt.getByLabel('Path on the gateway').fill('/weather/forecast?city=Lisbon');
    await tryIt.getByRole('button', { name: 'Send request' }).click();
    await tryIt.getByTestId('try-it-status').filter({ hasText: '200' }).waitFor();
    const body = await tryIt.getByTestId('try-it-body').textContent();
    expect(body).toContain('"upstream": "e2e"');
    expect(body).toContain('/forecast?city=Lisbon');
    expect(await tryIt.getByTestId('try-it-headers').textContent()).toContain('x-request-id');
    await screenshot(dev, stack, 'portal-08-try-it-200');
  });

  it('sees the call in usage, refreshing by itself', async () => {
    await dev.goto('/usage');
    await dev.getByTestId('usage-calls').waitFor();
    await screenshot(dev, stack, 'portal-09a-usage-first-paint');
    await dev
      .getByTestId('usage-calls')
      .filter({ hasText: /^[1-9]/ })
      .waitFor({ timeout: 60_000 });
    await dev
      .getByTestId('quota-used')
      .filter({ hasText: /^[1-9]/ })
      .waitFor({ timeout: 30_000 });
    await screenshot(dev, stack, 'portal-09-usage');
  });

  it('exceeds the plan rate limit and sees the 429, in Try it and in usage', async () => {
    // A burst well over 3 a second: the limiter refuses the rest.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => gatewayStatus('/weather/forecast', firstKey)),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);

    await dev.goto('/apis/weather');
    const tryIt = dev.getByTestId('try-it');
    await tryIt.getByLabel('API key').selectOption({ index: 1 });
    await waitFor(
      'Try it to answer 429',
      async () => {
        await Promise.all(
          Array.from({ length: 6 }, () => gatewayStatus('/weather/forecast', firstKey)),
        );
        await tryIt.getByRole('button', { name: 'Send request' }).click();
        await tryIt.getByTestId('try-it-status').waitFor();
        return (await tryIt.getByTestId('try-it-status').textContent())?.startsWith('429');
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(await tryIt.getByTestId('try-it-body').textContent()).toContain('GW_RATE_LIMITED');
    await screenshot(dev, stack, 'portal-10-try-it-429');

    await dev.goto('/usage');
    await dev
      .getByTestId('usage-429')
      .filter({ hasText: /^[1-9]/ })
      .waitFor({ timeout: 60_000 });
    await screenshot(dev, stack, 'portal-11-usage-429');
  });

  it('rotates the key: both work during the grace period and the old one shows its last use', async () => {
    await dev.goto('/apps');
    await dev.getByRole('link', { name: 'weather-dashboard' }).click();
    await dev.getByRole('button', { name: /^Actions for key/ }).click();
    await dev.getByRole('menuitem', { name: 'Rotate…' }).click();
    const d = dev.getByRole('dialog');
    await d.getByLabel('Grace period for the old key').selectOption('3600');
    await d.getByRole('button', { name: 'Rotate key' }).click();
    rotatedKey = (await dev.getByTestId('clear-key').textContent())?.trim() ?? '';
    expect(rotatedKey).toMatch(/^pk_/);
    expect(rotatedKey).not.toBe(firstKey);
    await dev.getByRole('button', { name: 'I have stored it' }).click();

    // Both keys work during the grace period (the rate limit window is a second).
    await waitForGatewayStatus('/weather/forecast', 200, rotatedKey);
    await waitForGatewayStatus('/weather/forecast', 200, firstKey);

    await waitFor(
      'the old key to show its last use',
      async () => {
        await dev.reload();
        const text = await dev.getByTestId('old-key-usage').textContent();
        return text?.startsWith('Old key still in use: last call');
      },
      { timeoutMs: 60_000, intervalMs: 2_000 },
    );
    await screenshot(dev, stack, 'portal-12-rotated-grace');
  });

  it('revokes the new key and its next call is refused', async () => {
    const row = dev
      .getByTestId('keys-table')
      .getByRole('row')
      .filter({ hasText: 'active' })
      .filter({ hasNotText: 'Rotated' });
    await row.getByRole('button', { name: /^Actions for key/ }).click();
    await dev.getByRole('menuitem', { name: 'Revoke…' }).click();
    await dev.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click();
    await dev.getByTestId('keys-table').getByText('revoked').waitFor();
    await waitForGatewayStatus('/weather/forecast', 401, rotatedKey);
    await screenshot(dev, stack, 'portal-13-revoked');
  });

  it('asks for a plan that needs approval; an operator approves it in the console and it becomes active', async () => {
    await dev.goto('/apps');
    await dev.getByRole('button', { name: 'New app' }).first().click();
    await dev.getByRole('dialog').getByLabel('Name').fill('weather-prod');
    await dev.getByRole('dialog').getByRole('button', { name: 'Create app' }).click();
    await dev.getByRole('heading', { name: 'weather-prod' }).waitFor();
    await dev.getByTestId('plan-pro').getByRole('button', { name: 'Subscribe' }).click();
    await dev
      .getByTestId('plan-pro')
      .getByTestId('subscription-status')
      .filter({ hasText: 'Pending approval' })
      .waitFor();
    await screenshot(dev, stack, 'portal-14-pending-approval');

    const admin = await signedInPage(browser, stack, stack.admin);
    await admin.goto('/approvals');
    const pending = admin
      .getByTestId('pending-subscriptions')
      .getByRole('row', { name: /weather-prod/ });
    expect(await pending.textContent()).toContain('Dana Developer');
    await screenshot(admin, stack, 'portal-15a-console-approvals');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText('No subscription is waiting').waitFor();
    await admin.goto('/subscriptions');
    await admin.getByRole('row', { name: /weather-prod.*active/ }).waitFor();
    await admin.goto('/developers');
    await admin.getByTestId(`developer-status-${email}`).waitFor();
    await screenshot(admin, stack, 'portal-15-console-developers');
    await admin.goto('/portal-settings');
    await admin.getByLabel('Portal name').waitFor();
    await screenshot(admin, stack, 'portal-16-console-portal-settings');
    await admin.context().close();

    await dev.reload();
    await dev
      .getByTestId('plan-pro')
      .getByTestId('subscription-status')
      .filter({ hasText: 'Active' })
      .waitFor();
    await screenshot(dev, stack, 'portal-17-approved-active');
  });

  it('refuses a duplicate app name with a message naming the field, and creates nothing', async () => {
    await dev.goto('/apps');
    await dev.getByTestId('apps-table').getByRole('link', { name: 'weather-prod' }).waitFor();
    const before = await dev.getByTestId('apps-table').getByRole('row').count();
    await dev.getByRole('button', { name: 'New app' }).first().click();
    const d = dev.getByRole('dialog');
    await d.getByLabel('Name').fill('weather-dashboard');
    await d.getByRole('button', { name: 'Create app' }).click();
    const message = await d.locator('.pui-field-error, .pui-alert').first().textContent();
    expect(message).toMatch(/weather-dashboard|already|exists|taken/i);
    await screenshot(dev, stack, 'portal-18a-duplicate-app');
    await d.getByRole('button', { name: 'Cancel' }).click();
    await dev.reload();
    await dev.getByTestId('apps-table').getByRole('link', { name: 'weather-prod' }).waitFor();
    expect(await dev.getByTestId('apps-table').getByRole('row').count()).toBe(before);
  });

  it('Try it refuses anonymous callers and paths that leave the gateway', async () => {
    const anonymous = await fetch(`${stack.portalUrl}/try-it`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/weather/forecast' }),
    });
    expect(anonymous.status).toBe(401);
    const outside = await dev.request.post('/try-it', {
      data: { method: 'GET', path: '//169.254.169.254/latest/meta-data' },
    });
    expect(outside.status()).toBe(400);
    expect(((await outside.json()) as { detail: string }).detail).toContain(
      'path: must start with a single /',
    );
  });

  it('sends a developer who signs in to the console on to the portal', async () => {
    const consoleContext = await browser.newContext({ baseURL: stack.consoleUrl });
    const page = await consoleContext.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.portalUrl}/sign-in`, { timeout: 20_000 });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, stack, 'portal-18-console-sends-developer-to-portal');
    await consoleContext.close();
  });

  it('serves the machine-readable catalogue with the listed API only', async () => {
    const catalog = await fetch(`${stack.portalUrl}/.well-known/api-catalog`);
    expect(catalog.status).toBe(200);
    expect(catalog.headers.get('content-type')).toContain('application/linkset+json');
    const text = await catalog.text();
    expect(text).toContain('/apis/weather');
    expect(text).not.toContain('/apis/orders');

    const llms = await fetch(`${stack.portalUrl}/llms.txt`);
    expect(llms.status).toBe(200);
    expect(await llms.text()).toContain('weather');

    const markdown = await fetch(`${stack.portalUrl}/apis/weather.md`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    expect(await markdown.text()).toContain(`${stack.gatewayUrl}/weather`);
    expect((await fetch(`${stack.portalUrl}/apis/orders.md`)).status).toBe(404);
  });
});
