import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { trpcMutation } from '../stack/trpc-http';
import { launchChromium, signedInPage } from './browser';

/**
 * The console checks the session on the server before a page renders: a visitor without a valid
 * session is redirected to sign-in (and back afterwards) before any console markup is sent, and a
 * signed-in operator's first response already carries their sidebar and role.
 */
const stack = inject('stack');

async function page(path: string, cookie?: string): Promise<Response> {
  return fetch(`${stack.consoleUrl}${path}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
}

describe('console session, checked on the server', () => {
  it('redirects a visitor with no session to sign-in, naming the page to come back to', async () => {
    const res = await page('/apis?search=orders');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fapis%3Fsearch%3Dorders');
  });

  it('redirects a forged or expired session cookie the same way', async () => {
    const res = await page('/analytics', 'portico_session=not-a-session');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fanalytics');
  });

  it("renders a signed-in operator's page with their role in the first response", async () => {
    const signIn = await fetch(`${stack.consoleUrl}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.consoleUrl },
      body: JSON.stringify(stack.admin),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/=/);
    const res = await page('/apis', cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/data-testid="my-role"[^>]*>admin</);
    expect(html).toContain(stack.admin.email);
  });
});

describe('console views kept in the URL', () => {
  it('restores the analytics range and a list search from the URL, and writes changes back', async () => {
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, stack, stack.admin);
      await page.goto('/analytics?range=7d');
      await page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();
      expect(await page.locator('#range').inputValue()).toBe('7d');
      await page.locator('#range').selectOption('24h');
      await page.waitForURL(/\/analytics\?range=24h$/);
      await page.reload();
      expect(await page.locator('#range').inputValue()).toBe('24h');
      // Back to the default: the parameter leaves the URL.
      await page.locator('#range').selectOption('1h');
      await page.waitForURL(/\/analytics$/);

      await page.goto('/apis?q=zzz-no-such-api');
      expect(await page.getByRole('searchbox', { name: 'Search APIs' }).inputValue()).toBe(
        'zzz-no-such-api',
      );
      await page.getByRole('searchbox', { name: 'Search APIs' }).fill('orders');
      await page.waitForURL(/\/apis\?q=orders$/);
    } finally {
      await browser.close();
    }
  });

  it('pages a list longer than a page on the server, and a reload stays on the page walked to', async () => {
    // Named to sort after every other consumer, and removed afterwards, so the specs that follow
    // still find the consumers they create on the first page.
    const prefix = `zz-paged-${randomBytes(3).toString('hex')}`;
    const owner = { bearer: stack.ownerToken };
    const created: { id: string }[] = [];
    for (let i = 0; i < 25; i += 1) {
      const name = `${prefix}-${String(i).padStart(2, '0')}`;
      created.push(await trpcMutation(stack.controlUrl, 'consumers.create', { name }, owner));
    }
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, stack, stack.admin);
      const names = () => page.locator('tbody tr td:first-child strong').allTextContents();
      await page.goto(`/consumers?q=${prefix}`);
      await page.getByText('Page 1 of 2 · 25 items').waitFor();
      expect((await names()).length).toBe(20);
      expect((await names())[0]).toBe(`${prefix}-00`);

      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Page 2 of 2 · 25 items').waitFor();
      await page.getByRole('cell', { name: `${prefix}-20` }).waitFor();
      await page.waitForURL(/[?&]pages=[A-Za-z0-9_-]+/);
      const second = [20, 21, 22, 23, 24].map((i) => `${prefix}-${i}`);
      expect(await names()).toEqual(second);

      await page.reload();
      await page.getByText('Page 2 of 2 · 25 items').waitFor();
      await page.getByRole('cell', { name: `${prefix}-20` }).waitFor();
      expect(await names()).toEqual(second);
      expect(await page.getByRole('searchbox', { name: 'Search consumers' }).inputValue()).toBe(
        prefix,
      );

      await page.getByRole('button', { name: 'Previous' }).click();
      await page.getByText('Page 1 of 2 · 25 items').waitFor();
      await page.getByRole('cell', { name: `${prefix}-00` }).waitFor();
      expect(new URL(page.url()).searchParams.get('pages')).toBeNull();
    } finally {
      await browser.close();
      for (const consumer of created) {
        await trpcMutation(stack.controlUrl, 'consumers.delete', { id: consumer.id }, owner);
      }
    }
  });
});
