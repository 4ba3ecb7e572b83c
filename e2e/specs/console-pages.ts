/**
 * The operator console's pages as the console spec drives them: its open dialog, the config
 * page's publish, the New API and New consumer forms, and the data-planes page's version.
 */
import type { Locator, Page } from 'playwright-core';

/** The dialog open on `page` (one at a time in the console). */
export function dialog(page: Page): Locator {
  return page.locator('dialog[open]');
}

/** Waits until the Data planes page shows the gateway running `version`, in sync. */
export async function waitForNodeVersion(page: Page, version: number): Promise<void> {
  await page.goto('/data-planes');
  await page
    .getByTestId('node-version')
    .filter({ hasText: `v${version}` })
    .waitFor({ timeout: 30_000 });
  await page.getByText('in sync').first().waitFor({ timeout: 30_000 });
}

/** Publishes the draft from the config page with `message` and waits for `published` to show. */
export async function publishDraft(
  page: Page,
  message: string,
  published: string | RegExp,
): Promise<void> {
  await page.goto('/config');
  await page.getByLabel('Publish message').fill(message);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText(published).waitFor();
}

/** Creates an API with no auth through the New API form and waits for its row. */
export async function createOpenApi(
  page: Page,
  api: { name: string; service: string; basePath: string },
): Promise<void> {
  await page.goto('/apis');
  await page.getByRole('button', { name: 'New API' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(api.name);
  await d.getByLabel('Service').selectOption({ label: api.service });
  await d.getByLabel('Base path', { exact: true }).fill(api.basePath);
  await d.getByLabel('Auth type').selectOption('none');
  await d.getByRole('button', { name: 'Create API' }).click();
  await page.getByRole('cell', { name: api.basePath }).waitFor();
}

/** Creates a consumer, subscribes it to the plan labelled `planLabel` and closes the dialog. */
export async function createSubscribedConsumer(
  page: Page,
  name: string,
  planLabel: string,
): Promise<void> {
  await page.goto('/consumers');
  await page.getByRole('button', { name: 'New consumer' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(name);
  await d.getByRole('button', { name: 'Create consumer' }).click();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await row.waitFor();
  await row.getByRole('button', { name: 'Subscribe' }).click();
  await d.getByLabel('Plan').selectOption({ label: planLabel });
  await d.getByRole('button', { name: 'Subscribe' }).click();
  await d.waitFor({ state: 'detached' });
}

/** Opens the New key form for `consumer` and creates the key; its secret shows in the dialog. */
export async function createKey(page: Page, consumer: string): Promise<Locator> {
  await page.goto('/keys');
  await page.getByRole('button', { name: 'New key' }).click();
  const d = dialog(page);
  await d.getByLabel('Consumer').selectOption({ label: consumer });
  await d.getByRole('button', { name: 'Create key' }).click();
  return d.getByTestId('once-secret');
}

/** Creates a service with one static target through the New service form. */
export async function createStaticService(
  page: Page,
  service: { name: string; host: string; port: number },
): Promise<void> {
  await page.goto('/services');
  await page.getByRole('button', { name: 'New service' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(service.name);
  await d.getByLabel('Target 1 host').fill(service.host);
  await d.getByLabel('Port', { exact: true }).fill(String(service.port));
  await d.getByRole('button', { name: 'Create service' }).click();
  await page.getByRole('cell', { name: new RegExp(service.name) }).waitFor();
}

/** Creates a service whose instances come from `registryLabel` under `registryService`. */
export async function createRegistryService(
  page: Page,
  service: { name: string; registryLabel: string; registryService: string },
): Promise<void> {
  await page.goto('/services');
  await page.getByRole('button', { name: 'New service' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(service.name);
  await d.getByLabel('From a registry').check();
  await d.getByLabel('Registry', { exact: true }).selectOption({ label: service.registryLabel });
  await d.getByLabel('Service name in the registry').fill(service.registryService);
  await d.getByRole('button', { name: 'Create service' }).click();
  await page.getByRole('cell', { name: new RegExp(service.registryService) }).waitFor();
}

/** Creates a plan on the APIs named `apis`, optionally needing approval, and waits for its row. */
export async function createPlan(
  page: Page,
  plan: { name: string; apis: readonly string[]; approvalRequired?: boolean },
): Promise<void> {
  await page.goto('/plans');
  await page.getByRole('button', { name: 'New plan' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(plan.name);
  if (plan.approvalRequired) await d.getByLabel('Subscriptions need approval').check();
  for (const api of plan.apis) await d.getByLabel(api, { exact: true }).check();
  await d.getByRole('button', { name: 'Create plan' }).click();
  await page.getByRole('cell', { name: new RegExp(plan.name) }).waitFor();
}

/** Creates a registry token in Settings and returns the secret shown once. */
export async function createRegistryToken(page: Page, name: string): Promise<string> {
  await page.goto('/settings');
  await page.getByLabel('New registry token name').fill(name);
  await page
    .locator('section', { hasText: 'Registry tokens' })
    .getByRole('button', { name: 'Create token' })
    .click();
  const d = dialog(page);
  const token = (await d.getByTestId('once-secret').textContent())?.trim() ?? '';
  await d.getByRole('button', { name: 'Done' }).click();
  return token;
}

/** Opens the Instances dialog of `service` on the services page and returns the dialog. */
export async function openInstances(page: Page, service: RegExp): Promise<Locator> {
  await page.goto('/services');
  await page.getByRole('row', { name: service }).getByRole('button', { name: 'Instances' }).click();
  return dialog(page);
}

/** Fills and submits the New registry form, then waits for the registry's row. */
export async function createRegistry(
  page: Page,
  registry: { name: string; type: string; address: string; credentials: string },
): Promise<Locator> {
  await page.goto('/registries');
  await page.getByRole('button', { name: 'New registry' }).click();
  const d = dialog(page);
  await d.getByLabel('Name', { exact: true }).fill(registry.name);
  await d.getByLabel('Type').selectOption(registry.type);
  await d.getByLabel('Address').fill(registry.address);
  await d.getByLabel('Credentials').fill(registry.credentials);
  await d.getByRole('button', { name: 'Create registry' }).click();
  const row = page.getByRole('row', { name: new RegExp(registry.name) });
  await row.waitFor();
  return row;
}

/** Invites `email` as `role` from Settings; returns the invitation link, the dialog left open. */
export async function inviteMember(page: Page, email: string, role: string): Promise<string> {
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Invite member' }).click();
  const d = dialog(page);
  await d.getByLabel('Email').fill(email);
  await d.getByLabel('Role').selectOption(role);
  await d.getByRole('button', { name: 'Invite', exact: true }).click();
  return (await d.getByTestId('invite-link').textContent())?.trim() ?? '';
}

/** POSTs `body` to the console's `/trpc/<procedure>` from the page, with its own session. */
export async function mutateFromPage(
  page: Page,
  procedure: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ procedure, body }) => {
      const response = await fetch(`/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { procedure, body },
  );
}
