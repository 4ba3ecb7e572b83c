import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDeclarativeYaml } from '../src/declarative-file';

const EXAMPLE = new URL('../../../examples/portico.yaml', import.meta.url);

describe('examples/portico.yaml', () => {
  const loaded = loadDeclarativeYaml(readFileSync(EXAMPLE, 'utf8'));

  it('validates against the declarative schema with no unknown keys', () => {
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });

  it('uses every top-level key, static and discovery services, every auth type and plugins', () => {
    if (!loaded.ok) throw new Error('example is invalid');
    const { config } = loaded;
    expect(config.registries.length).toBeGreaterThan(0);
    expect(config.plans.length).toBeGreaterThan(0);
    expect(config.consumers.length).toBeGreaterThan(0);
    expect(config.services.some((s) => s.targets.length > 0)).toBe(true);
    expect(config.services.some((s) => s.discovery !== undefined)).toBe(true);
    expect(new Set(config.apis.map((a) => a.auth.type))).toEqual(new Set(['key', 'jwt', 'none']));
    expect(config.apis.some((a) => a.plugins.cors !== undefined)).toBe(true);
  });
});
