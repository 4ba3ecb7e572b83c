import { compileProtoSet, descriptorSetOf } from '@portico/grpc-schema';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trpcMutation, trpcQuery } from '../stack/trpc-http';
import { launchChromium, screenshot, signedInPage } from './browser';
import { dialog } from './console-pages';

/**
 * A gRPC service made in the console: its proto files are uploaded from disk in the service
 * form; a proto that does not compile is refused with the compiler's message, naming the file and
 * line, and nothing is saved; a good one is stored with the service. A compiled descriptor set,
 * or server reflection, can be the schema instead, and editing the service keeps it.
 */
const stack = inject('stack');
const GOOD_PROTO = `syntax = "proto3";
package inventory.v1;

message Item { string sku = 1; int64 count = 2; }
message GetItemRequest { string sku = 1; }

service Inventory {
  rpc GetItem(GetItemRequest) returns (Item);
}
`;
const BAD_PROTO = GOOD_PROTO.replace('int64 count = 2;', 'int64 count = ;');

describe('a gRPC service with proto files uploaded in the console', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await signedInPage(browser, stack, stack.admin);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a proto that does not compile, then stores one that does', async () => {
    await page.goto('/services');
    await page.getByRole('button', { name: 'New service' }).click();
    const form = dialog(page);
    await form.getByLabel('Name', { exact: true }).fill('inventory-grpc');
    await form.getByLabel('Target 1 host').fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill('50051');
    await form.getByLabel('gRPC (REST to gRPC transcoding)').check();
    const upload = form.getByLabel('Proto files');
    await upload.setInputFiles({
      name: 'inventory.proto',
      mimeType: 'text/plain',
      buffer: Buffer.from(BAD_PROTO),
    });
    await form.getByText('inventory.proto').waitFor();
    await form.getByRole('button', { name: 'Create service' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/inventory\.proto.*4/);
    await screenshot(page, stack, 'grpc-01-bad-proto-refused');
    const before = await trpcQuery<{ name: string }[]>(
      stack.controlUrl,
      'services.list',
      undefined,
      {
        bearer: stack.ownerToken,
      },
    );
    expect(before.some((s) => s.name === 'inventory-grpc')).toBe(false);

    // The same name replaces the broken file.
    await upload.setInputFiles({
      name: 'inventory.proto',
      mimeType: 'text/plain',
      buffer: Buffer.from(GOOD_PROTO),
    });
    await form.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('cell', { name: /inventory-grpc/ }).waitFor();
    await screenshot(page, stack, 'grpc-02-service-created');

    const services = await trpcQuery<
      {
        id: string;
        name: string;
        settings: { protocol?: string; grpc?: { protoFiles: Record<string, string> } };
      }[]
    >(stack.controlUrl, 'services.list', undefined, { bearer: stack.ownerToken });
    const created = services.find((s) => s.name === 'inventory-grpc');
    expect(created?.settings.protocol).toBe('grpc');
    expect(created?.settings.grpc?.protoFiles).toEqual({ 'inventory.proto': GOOD_PROTO });
    // Leave the draft as it was for the specs that publish after this one.
    await trpcMutation(
      stack.controlUrl,
      'services.delete',
      { id: created?.id },
      {
        bearer: stack.ownerToken,
      },
    );
  });

  it('stores a descriptor set uploaded in the form, keeps it on edit, and switches to reflection', async () => {
    const compiled = compileProtoSet({ 'inventory.proto': GOOD_PROTO });
    if (!compiled.ok) throw new Error(compiled.message);
    const descriptorSet = descriptorSetOf(compiled.root);
    await page.goto('/services');
    await page.getByRole('button', { name: 'New service' }).click();
    const form = dialog(page);
    await form.getByLabel('Name', { exact: true }).fill('inventory-described');
    await form.getByLabel('Target 1 host').fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill('50052');
    await form.getByLabel('gRPC (REST to gRPC transcoding)').check();
    await form.getByLabel('Upload a compiled descriptor set').check();
    await form.getByLabel('Descriptor set file').setInputFiles({
      name: 'inventory.pb',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(descriptorSet, 'base64'),
    });
    await form
      .getByTestId('descriptor-set-state')
      .filter({ hasText: /is loaded/ })
      .waitFor();
    await form.getByRole('button', { name: 'Create service' }).click();
    const row = page.getByRole('row', { name: /inventory-described/ });
    await row.waitFor();
    const stored = async () =>
      (
        await trpcQuery<
          { id: string; name: string; settings: { grpc?: Record<string, unknown> } }[]
        >(stack.controlUrl, 'services.list', undefined, { bearer: stack.ownerToken })
      ).find((s) => s.name === 'inventory-described');
    expect((await stored())?.settings.grpc).toEqual({ descriptorSet });

    // An unrelated edit keeps the descriptor set; switching the source to reflection replaces it.
    await row.getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Description').fill('inventory over gRPC');
    await form.getByRole('button', { name: 'Save service' }).click();
    await form.waitFor({ state: 'hidden' });
    expect((await stored())?.settings.grpc).toEqual({ descriptorSet });
    await row.getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Ask the instances (server reflection)').check();
    await form.getByRole('button', { name: 'Save service' }).click();
    await form.waitFor({ state: 'hidden' });
    const reflected = await stored();
    expect(reflected?.settings.grpc).toEqual({ reflection: true });
    await trpcMutation(
      stack.controlUrl,
      'services.delete',
      { id: reflected?.id },
      {
        bearer: stack.ownerToken,
      },
    );
  });
});
