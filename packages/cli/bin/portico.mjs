#!/usr/bin/env node
// Runs the bundled CLI (dist/portico.mjs, made by `npm run build -w packages/cli`) when it exists,
// otherwise the TypeScript source through tsx, so a fresh checkout works without a build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = fileURLToPath(new URL('../dist/portico.mjs', import.meta.url));
if (existsSync(bundled)) {
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
