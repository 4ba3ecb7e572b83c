import { describe, expect, it } from 'vitest';
import { InstanceTracker } from './instance-tracker';
import type { InstanceUpdate, ServiceInstance } from './types';

const inst = (id: string, address = '127.0.0.1', port = 8000): ServiceInstance => ({
  id,
  address,
  port,
  weight: 1,
  metadata: {},
  zone: null,
});

function tracked() {
  const updates: InstanceUpdate[] = [];
  let now = 1000;
  const tracker = new InstanceTracker(
    (u) => updates.push(u),
    () => now,
  );
  return { tracker, updates, tick: () => (now += 1000) };
}

describe('InstanceTracker: the stale-while-registry-down rule', () => {
  it('emits the first answer even when empty, then only real changes', () => {
    const { tracker, updates } = tracked();
    tracker.accept([], { authoritative: false });
    expect(updates).toEqual([{ instances: [], status: 'ok', error: null, lastSyncAt: 1000 }]);
    tracker.accept([inst('a')], { authoritative: false });
    tracker.accept([inst('a')], { authoritative: false });
    expect(updates).toHaveLength(2);
  });

  it('keeps the last set and reports degraded on an error, then ok again on recovery', () => {
    const { tracker, updates, tick } = tracked();
    tracker.accept([inst('a'), inst('b')], { authoritative: false });
    tick();
    tracker.fail('connection refused');
    expect(updates.at(-1)).toMatchObject({
      status: 'degraded',
      error: 'connection refused',
      lastSyncAt: 1000,
    });
    expect(updates.at(-1)?.instances.map((i) => i.id)).toEqual(['a', 'b']);
    tracker.fail('connection refused');
    expect(updates).toHaveLength(2);
    tracker.accept([inst('a'), inst('b')], { authoritative: false });
    expect(updates.at(-1)).toMatchObject({ status: 'ok', error: null, lastSyncAt: 2000 });
  });

  it('refuses a non-authoritative empty answer after a non-empty one', () => {
    const { tracker, updates } = tracked();
    tracker.accept([inst('a')], { authoritative: false });
    expect(tracker.accept([], { authoritative: false })).toBe(false);
    expect(updates.at(-1)).toMatchObject({ status: 'degraded' });
    expect(updates.at(-1)?.instances.map((i) => i.id)).toEqual(['a']);
  });

  it('takes an authoritative removal of the last instance as a real change', () => {
    const { tracker, updates } = tracked();
    tracker.accept([inst('a')], { authoritative: false });
    expect(tracker.accept([], { authoritative: true })).toBe(true);
    expect(updates.at(-1)).toMatchObject({ instances: [], status: 'ok' });
  });

  it('never passes on metadata, link-local or unusable addresses', () => {
    const { tracker, updates } = tracked();
    tracker.accept(
      [
        inst('ok'),
        inst('meta', '169.254.169.254'),
        inst('v6ll', 'fe80::1'),
        inst('gce', 'metadata.google.internal'),
        inst('port0', '127.0.0.1', 0),
      ],
      { authoritative: false },
    );
    expect(updates.at(-1)?.instances.map((i) => i.id)).toEqual(['ok']);
  });
});
