import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The repository pins one Node release: the `node` devDependency installs it into
// node_modules/.bin, so every npm script, test and benchmark runs on it, and the image is built
// from the same release. These tests fail when the suite runs on another Node (for example a
// script that bypasses npm) or when the places that name the version drift apart.
const repoFile = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

interface RootManifest {
  engines?: { node?: string };
  devDependencies?: Record<string, string>;
}

const root = JSON.parse(repoFile('package.json')) as RootManifest;
const pinned = root.devDependencies?.node;

describe('the pinned Node runtime', () => {
  it('is an exact version', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs this suite', () => {
    expect(process.version).toBe(`v${pinned}`);
  });

  it('is the version engines declares', () => {
    expect(root.engines?.node).toBe(pinned);
  });

  it('is the version the Docker image is built from', () => {
    const arg = /^ARG NODE_VERSION=(\S+)$/m.exec(repoFile('Dockerfile'));
    expect(arg?.[1]).toBe(pinned);
  });

  it('is the version the README and the contributing guide name', () => {
    expect(repoFile('README.md')).toContain(`Node ${pinned}`);
    expect(repoFile('docs/contributing.md')).toContain(`Node ${pinned}`);
  });
});
