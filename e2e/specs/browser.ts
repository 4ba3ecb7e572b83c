import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { StackInfo } from '../stack/stack-info';

/** Debian's chromium, headless, with nothing phoning home. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A fresh browser context (own cookies) on the console, signed in as `who`. */
export async function signedInPage(
  browser: Browser,
  stack: StackInfo,
  who: { email: string; password: string },
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: stack.consoleUrl,
    viewport: { width: 1440, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: stack.consoleUrl,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

/** Saves a full-page screenshot under e2e/test-results/ for a person to look at. */
export async function screenshot(page: Page, stack: StackInfo, name: string): Promise<string> {
  mkdirSync(stack.resultsDir, { recursive: true });
  const path = join(stack.resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
