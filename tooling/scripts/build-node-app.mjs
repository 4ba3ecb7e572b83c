#!/usr/bin/env node
import { readFileSync } from 'node:fs';
// Bundles one Node app or CLI into a single ESM file. Workspace packages (@portico/*) ship as
// TypeScript source, so they are bundled in; everything from npm stays external and is
// resolved from node_modules at run time.
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: build-node-app.mjs <entry.ts> <outfile.mjs>');
  process.exit(2);
}

const workspacePackages = {
  name: 'externalise-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@portico/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// The bundle runs on the Node release the repository pins (root package.json), so no syntax is
// lowered for older ones.
const rootPkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${rootPkg.devDependencies.node}`,
  sourcemap: true,
  plugins: [workspacePackages],
  banner: {
    js: "import { createRequire as __portico_createRequire } from 'node:module'; const require = __portico_createRequire(import.meta.url);",
  },
  define: { 'process.env.PORTICO_BUILD_VERSION': JSON.stringify(pkg.version ?? '0.0.0') },
  logLevel: 'warning',
});
