import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RegisteredInstance, startRegisteredInstance } from '../stack/registered-instances';
import { trpcMutation, trpcQuery } from '../stack/trpc-http';
import { waitFor } from '../stack/wait';
import { launchChromium, screenshot, signedInPage } from './browser';
import { dialog, publishDraft } from './console-pages';

/**
 * Whole-stack acceptance, as an operator meets Portico: in the browser they connect the built-in
 * registry (no address), create a service from it, an API, a plan, a consumer and a key, and
 * publish; calls through the gateway are balanced over the instances that registered themselves;
 * one instance is killed and calls keep succeeding; the calls appear in analytics; the key is
 * revoked and refused at once. Each console problem found on a first run is checked on the way.
 */
const stack = inject('stack');
const SERVICE = 'stock';
const INSTANCES = ['stock-a', 'stock-b', 'stock-c'];

/** Statuses and instance ids of `count` sequential calls through the gateway. */
async function calls(path: string, key: string, count: number) {
  const statuses: number[] = [];
  const perInstance = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${stack.gatewayUrl}${path}`, {
      headers: { 'x-api-key': key },
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    statuses.push(res.status);
    if (res.status === 200) {
      const { instance } = JSON.parse(text) as { instance: string };
      perInstance.set(instance, (perInstance.get(instance) ?? 0) + 1);
    }
  }
  return { statuses, perInstance };
}

/** A dialog is centred when its left and right gaps to the viewport match. */
async function horizontalGaps(page: Page): Promise<{ left: number; right: number }> {
  const box = await dialog(page).boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  if (!box) throw new Error('no open dialog');
  return { left: box.x, right: width - (box.x + box.width) };
}

describe('whole stack: registry → service → API → plan → key → traffic → analytics → revoke', () => {
  let browser: Browser;
  let page: Page;
  let key = '';
  const instances: RegisteredInstance[] = [];
  const trpcResponses: Response[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const { token } = await trpcMutation<{ token: string }>(
      stack.controlUrl,
      'tokens.createMachine',
      { kind: 'registry', name: 'whole-stack instances', scopes: ['register'] },
      { bearer: stack.ownerToken },
    );
    for (const instanceId of INSTANCES)
      instances.push(
        await startRegisteredInstance({
          controlUrl: stack.controlUrl,
          token,
          service: SERVICE,
          instanceId,
        }),
      );
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill()));
    await browser?.close();
  });

  it('connects the built-in registry (no address) and sees the registered instances', async () => {
    page = await signedInPage(browser, stack, stack.admin);
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/trpc/')) trpcResponses.push(response);
    });
    await page.goto('/registries');
    await page.getByRole('button', { name: 'New registry' }).click();
    const d = dialog(page);
    await d.getByLabel('Name', { exact: true }).fill('own-registry');
    await d.getByLabel('Type').selectOption('builtin');
    await d.getByRole('button', { name: 'Create registry' }).click();
    const row = page.getByRole('row', { name: /own-registry/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Test connection' }).click();
    await d.getByText('Connected').waitFor();
    await d.getByRole('button', { name: SERVICE, exact: true }).click();
    await waitFor('the three registered instances in the registry view', async () => {
      const cells = await d.getByRole('cell', { name: '127.0.0.1', exact: true }).count();
      return cells === INSTANCES.length;
    });
    await screenshot(page, stack, 'ws-01-registry-instances');
    await d.getByRole('button', { name: 'Close' }).click();
  });

  it('creates a service from the registry, an API (the form says what no routes means) and a plan', async () => {
    await page.goto('/services');
    await page.getByRole('button', { name: 'New service' }).click();
    const d = dialog(page);
    await d.getByLabel('Name', { exact: true }).fill('stock-svc');
    await d.getByLabel('From a registry').check();
    await d
      .getByLabel('Registry', { exact: true })
      .selectOption({ label: 'own-registry (builtin)' });
    await d.getByLabel('Service name in the registry').fill(SERVICE);
    await d.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('cell', { name: /stock-svc/ }).waitFor();

    await page.goto('/apis');
    await page.getByRole('button', { name: 'New API' }).click();
    await d.getByLabel('Name', { exact: true }).fill('stock');
    await d.getByLabel('Service').selectOption({ label: 'stock-svc' });
    await d.getByLabel('Base path', { exact: true }).fill('/stock');
    // Item 4: an API without routes is not "nothing is served": it serves everything.
    await d.getByRole('button', { name: 'Remove route' }).click();
    const note = d.getByTestId('no-routes-note');
    expect(await note.textContent()).toContain('serves every method and every path');
    await screenshot(page, stack, 'ws-02-api-no-routes-note');
    await d.getByRole('button', { name: 'Create API' }).click();
    await page.getByRole('cell', { name: '/stock' }).waitFor();

    await page.goto('/plans');
    await page.getByRole('button', { name: 'New plan' }).click();
    await d.getByLabel('Name', { exact: true }).fill('stock-plan');
    await d.getByLabel('stock', { exact: true }).check();
    await d.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('cell', { name: /stock-plan/ }).waitFor();
  });

  it('publishes, with the diff naming the fields of what is added under proper headings', async () => {
    await page.goto('/config');
    const diff = page.getByTestId('snapshot-diff');
    await diff.getByRole('heading', { name: 'APIs', exact: true }).waitFor();
    // Item 10: an added entity lists its fields, not only "+ stock added".
    await diff.getByText('basePath: "/stock"').waitFor();
    await screenshot(page, stack, 'ws-03-config-diff');
    await page.getByLabel('Publish message').fill('stock from the built-in registry');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('nothing-to-publish').waitFor();
    // Item 10: Compare offers the published versions instead of free text.
    const options = await page
      .getByLabel('From', { exact: true })
      .locator('option')
      .allTextContents();
    expect(options.length).toBeGreaterThan(0);
    for (const option of options) expect(option).toMatch(/^v\d+$/);
    // One hash length everywhere: the version list and the data-plane table agree.
    // The gateway reports the version it runs within seconds; its row shows the hash too.
    await page.locator('span.muted.mono').first().waitFor({ timeout: 30_000 });
    const hashes = [
      ...(await page.getByTestId('versions').locator('div.muted.mono').allTextContents()),
      ...(await page.locator('span.muted.mono').allTextContents()),
    ];
    expect(hashes.length).toBeGreaterThan(1);
    for (const hash of hashes) expect(hash.trim()).toMatch(/^[0-9a-f]{12}$/);
  });

  it('makes a consumer with a subscription and a key; the subscription says it was approved automatically', async () => {
    await page.goto('/consumers');
    await page.getByRole('button', { name: 'New consumer' }).click();
    const d = dialog(page);
    await d.getByLabel('Name', { exact: true }).fill('stock-shop');
    await d.getByRole('button', { name: 'Create consumer' }).click();
    const row = page.getByRole('row', { name: /stock-shop/ });
    await row.waitFor();
    // Item 5: while plans load the dialog says so (it said "Create a plan first"): the plans
    // answer is held back a moment to look at the dialog in that state.
    const plansList = /\/trpc\/plans\.list\?/;
    // Only this one request is held; later ones go straight through.
    await page.route(
      plansList,
      async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      },
      { times: 1 },
    );
    await row.getByRole('button', { name: 'Subscribe' }).click();
    const placeholder = d.getByLabel('Plan').locator('option').first();
    expect(await placeholder.textContent()).toBe('Loading plans…');
    await d
      .getByLabel('Plan')
      .locator('option', { hasText: 'stock-plan' })
      .waitFor({ state: 'attached' });
    expect(await placeholder.textContent()).toBe('Choose a plan');
    await d.getByLabel('Plan').selectOption({ label: 'stock-plan' });
    await d.getByRole('button', { name: 'Subscribe' }).click();
    await d.waitFor({ state: 'detached' });

    await page.goto('/subscriptions');
    const subscription = page.getByRole('row', { name: /stock-shop/ });
    await subscription.getByText('approved automatically').waitFor();

    await page.goto('/keys');
    await page.getByRole('button', { name: 'New key' }).click();
    await d.getByLabel('Consumer').selectOption({ label: 'stock-shop' });
    await d.getByRole('button', { name: 'Create key' }).click();
    const secret = d.getByTestId('once-secret');
    await secret.waitFor();
    key = (await secret.textContent())?.trim() ?? '';
    expect(key).toMatch(/^pk_/);
    await d.getByRole('button', { name: 'Done' }).click();
  });

  it('balances calls over the registered instances, and keeps succeeding when one is killed', async () => {
    await waitFor(
      'the first 200 from /stock through the gateway',
      async () => (await calls('/stock/items', key, 1)).statuses[0] === 200,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const spread = await calls('/stock/items', key, 30);
    expect(spread.statuses).toEqual(Array(30).fill(200));
    expect([...spread.perInstance.keys()].sort()).toEqual(INSTANCES);
    for (const count of spread.perInstance.values()) expect(count).toBeGreaterThanOrEqual(5);

    const victim = instances[0] as RegisteredInstance;
    await victim.kill();
    // 91 calls in all: under the console's default plan limit of 100 a minute.
    const after = await calls('/stock/items', key, 40);
    expect(after.statuses).toEqual(Array(40).fill(200));
    // Within those calls the dead instance stopped being chosen; the next 20 avoid it.
    const tail = await calls('/stock/items', key, 20);
    expect(tail.statuses).toEqual(Array(20).fill(200));
    expect(tail.perInstance.has(victim.id)).toBe(false);
  });

  it('shows the calls in analytics (no 414), filters Top consumers, and opens one request', async () => {
    await waitFor(
      'the calls to reach usage.summary',
      async () => {
        const summary = await trpcQuery<{ requests: number }>(
          stack.controlUrl,
          'usage.summary',
          { sinceSeconds: 3600, consumerName: 'stock-shop' },
          { bearer: stack.ownerToken },
        );
        return summary.requests >= 91 ? summary : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    trpcResponses.length = 0;
    await page.goto('/analytics');
    await page
      .getByTestId('total-requests')
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor({ timeout: 30_000 });
    // Item 2: every batched query URL stays short, and nothing answers 414.
    expect(trpcResponses.length).toBeGreaterThan(0);
    for (const response of trpcResponses) {
      expect(response.status(), response.url()).not.toBe(414);
      expect(response.url().length).toBeLessThanOrEqual(2_100);
    }

    // Item 11: Top consumers follows the Consumer filter.
    await page.getByLabel('Consumer').selectOption({ label: 'stock-shop' });
    const top = page.locator('section.panel', { hasText: 'Top consumers' });
    await top.getByText('stock-shop').waitFor();
    await waitFor('Top consumers to show only stock-shop', async () => {
      const labels = await top.locator('.bar-row > :first-child').allTextContents();
      return labels.length === 1 && labels[0] === 'stock-shop';
    });

    // Item 11: the explorer shows seconds and the consumer, and opens one request.
    const explorer = page.getByTestId('request-explorer');
    await explorer.getByRole('cell', { name: 'stock-shop' }).first().waitFor();
    const time = await explorer.locator('tbody tr td').first().textContent();
    expect(time).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    await explorer
      .getByRole('button', { name: /^Open request/ })
      .first()
      .click();
    const details = dialog(page).getByTestId('request-details');
    await details.getByText(/^req_/).waitFor();
    await details.getByText(/stock-shop · /).waitFor();
    await screenshot(page, stack, 'ws-04-analytics-request');
    await dialog(page).getByRole('button', { name: 'Close' }).click();

    // Item 5: the sidebar column reaches the bottom of a long page.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const sidebarBottom = await page.evaluate(() => {
      const x = 10;
      const y = window.innerHeight - 3;
      const element = document.elementFromPoint(x, y);
      return element?.closest('.sidebar') !== null;
    });
    expect(sidebarBottom).toBe(true);
    await screenshot(page, stack, 'ws-05-analytics-full-page');
  });

  it('revokes the key from a centred confirmation, and the next call is refused at once', async () => {
    await page.goto('/keys');
    const row = page.getByRole('row', { name: /stock-shop/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await dialog(page).getByText('Calls with this key are refused').waitFor();
    // Item 3: the confirmation opens centred, not at the left edge over the sidebar.
    const gaps = await horizontalGaps(page);
    expect(Math.abs(gaps.left - gaps.right)).toBeLessThanOrEqual(2);
    expect(gaps.left).toBeGreaterThan(232);
    // …and reads left to right, wrapping, not in the table cell's right-aligned no-wrap style.
    const style = await dialog(page).evaluate((el) => {
      const computed = getComputedStyle(el);
      return `${computed.textAlign} ${computed.whiteSpace}`;
    });
    expect(style).toMatch(/^(left|start) normal$/);
    await screenshot(page, stack, 'ws-06-revoke-dialog');
    await dialog(page).getByRole('button', { name: 'Revoke' }).click();
    const revokedAt = Date.now();
    const refused = await waitFor(
      'the revoked key to be refused',
      async () => {
        const { statuses } = await calls('/stock/items', key, 1);
        return statuses[0] === 401 ? Date.now() - revokedAt : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    console.log(`whole stack: revoked key refused ${refused} ms after the click`);
    expect(refused).toBeLessThanOrEqual(2_000);
  });
  it('switches on request validation in the API form: report-only forwards an invalid call, enforce refuses it', async () => {
    const services = await trpcQuery<{ id: string; name: string }[]>(
      stack.controlUrl,
      'services.list',
      undefined,
      { bearer: stack.ownerToken },
    );
    const document = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'checked stock', version: '1' },
      paths: {
        '/items': {
          get: {
            parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }],
            responses: { '200': { description: 'the items' } },
          },
        },
      },
    });
    await trpcMutation(
      stack.controlUrl,
      'apis.importOpenApi',
      {
        name: 'checked-stock',
        serviceId: services.find((s) => s.name === 'stock-svc')?.id,
        basePath: '/checked',
        auth: { type: 'none' },
        document,
      },
      { bearer: stack.ownerToken },
    );
    const setMode = async (mode: 'report' | 'enforce') => {
      await page.goto('/apis');
      await page
        .getByRole('row', { name: /checked-stock/ })
        .getByRole('button', { name: 'Edit' })
        .click();
      const form = dialog(page);
      const toggle = form.getByLabel("Validate requests against the API's OpenAPI document");
      if (!(await toggle.isChecked())) await toggle.check();
      await form.getByLabel('Validation mode', { exact: true }).selectOption(mode);
      await screenshot(page, stack, `ws-07-validation-${mode}`);
      await form.getByRole('button', { name: 'Save API' }).click();
      await form.waitFor({ state: 'hidden' });
      await publishDraft(page, `validation ${mode}`, /Published v\d+/);
    };
    const limitStatus = async (limit: number) =>
      (await fetch(`${stack.gatewayUrl}/checked/items?limit=${limit}`)).status;

    await setMode('report');
    await waitFor('report-only validation to forward the invalid call', async () =>
      (await limitStatus(5)) === 200 && (await limitStatus(500)) === 200 ? true : undefined,
    );
    await setMode('enforce');
    const refused = await waitFor('enforced validation to refuse the invalid call', async () => {
      const res = await fetch(`${stack.gatewayUrl}/checked/items?limit=500`);
      return res.status === 400 ? ((await res.json()) as { code: string }) : undefined;
    });
    expect(refused.code).toBe('GW_REQUEST_INVALID');
    expect(await limitStatus(5)).toBe(200);
  });
});
