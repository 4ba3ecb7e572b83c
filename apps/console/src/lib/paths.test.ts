import { describe, expect, it } from 'vitest';
import { getPath, setPath } from './paths';

describe('getPath / setPath on form drafts', () => {
  it('reads nested object and array paths', () => {
    const draft = { settings: { timeouts: { connectMs: 2000 } }, targets: [{ host: 'a' }] };
    expect(getPath(draft, 'settings.timeouts.connectMs')).toBe(2000);
    expect(getPath(draft, 'targets.0.host')).toBe('a');
    expect(getPath(draft, 'targets.3.host')).toBeUndefined();
    expect(getPath(draft, 'settings.missing.deeper')).toBeUndefined();
  });

  it('sets a nested value without mutating the original, copying only the path', () => {
    const draft = { a: { b: 1 }, untouched: { c: 2 }, list: [{ x: 1 }, { x: 2 }] };
    const next = setPath(draft, 'list.1.x', 9);
    expect(next.list[1]).toEqual({ x: 9 });
    expect(draft.list[1]).toEqual({ x: 2 });
    expect(next.untouched).toBe(draft.untouched);
    expect(next.list[0]).toBe(draft.list[0]);
    expect(Array.isArray(next.list)).toBe(true);
  });

  it('creates missing containers: arrays for numeric keys, objects otherwise', () => {
    const next = setPath({} as Record<string, unknown>, 'routes.0.path', '/x');
    expect(next).toEqual({ routes: [{ path: '/x' }] });
  });
});
