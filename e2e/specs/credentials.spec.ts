import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trpcMutation } from '../stack/trpc-http';
import { waitFor } from '../stack/wait';
import { launchChromium, screenshot, signedInPage } from './browser';

/**
 * Consumer credentials other than API keys, managed in the console: an operator adds a Basic
 * credential on the consumer's page (the generated password shown once), a call through the
 * gateway with it is served, and revoking it on the same page gets the next call refused.
 */
const stack = inject('stack');
const bearer = { bearer: stack.ownerToken };

describe('credentials in the console, used at the gateway', () => {
  let browser: Browser;
  let page: Page;
  let consumerId = '';

  beforeAll(async () => {
    browser = await launchChromium();
    page = await signedInPage(browser, stack, stack.admin);
    // An API taking Basic credentials, in a plan the consumer is subscribed to, published.
    const service = await trpcMutation<{ id: string }>(
      stack.controlUrl,
      'services.create',
      { name: 'ledger-svc', targets: [{ host: '127.0.0.1', port: stack.upstreamPort }] },
      bearer,
    );
    const api = await trpcMutation<{ id: string }>(
      stack.controlUrl,
      'apis.create',
      {
        name: 'ledger',
        basePath: '/ledger',
        serviceId: service.id,
        auth: { type: 'basic', realm: 'ledger' },
      },
      bearer,
    );
    const plan = await trpcMutation<{ id: string }>(
      stack.controlUrl,
      'plans.create',
      { name: 'ledger-plan', apiIds: [api.id], rateLimit: { requests: 100, per: 'second' } },
      bearer,
    );
    const consumer = await trpcMutation<{ id: string }>(
      stack.controlUrl,
      'consumers.create',
      { name: 'ledger-client' },
      bearer,
    );
    consumerId = consumer.id;
    await trpcMutation(
      stack.controlUrl,
      'subscriptions.create',
      { consumerId, planId: plan.id },
      bearer,
    );
    await trpcMutation(
      stack.controlUrl,
      'config.publish',
      { message: 'ledger with Basic' },
      bearer,
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('adds a Basic credential with a generated password shown once, which the gateway accepts, and revokes it', async () => {
    await page.goto(`/consumers/${consumerId}`);
    await page.getByRole('button', { name: 'Add credential' }).first().click();
    const form = page.getByRole('dialog', { name: 'Add a credential' });
    await form.getByLabel('Kind').selectOption('basic');
    await form.getByLabel('Name', { exact: true }).fill('batch job');
    await form.getByLabel('Username', { exact: true }).fill('ledger-batch');
    await form.getByRole('button', { name: 'Add credential' }).click();
    const revealed = page.getByTestId('revealed-credential');
    await revealed.waitFor();
    const password = (await revealed.getByTestId('clear-secret').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    await screenshot(page, stack, 'cred-01-basic-password-once');

    const call = async (secret: string) =>
      (
        await fetch(`${stack.gatewayUrl}/ledger/entries`, {
          headers: {
            authorization: `Basic ${Buffer.from(`ledger-batch:${secret}`).toString('base64')}`,
          },
        })
      ).status;
    await waitFor('the gateway to accept the new credential', async () =>
      (await call(password)) === 200 ? true : undefined,
    );
    expect(await call(`${password}x`)).toBe(401);

    await revealed.getByRole('button', { name: 'I have stored it' }).click();
    await page
      .getByRole('row', { name: /ledger-batch/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('row', { name: /ledger-batch/ })
      .getByText('revoked')
      .waitFor();
    await waitFor('the gateway to refuse the revoked credential', async () =>
      (await call(password)) === 401 ? true : undefined,
    );
  });
});
