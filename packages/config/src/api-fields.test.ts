import { describe, expect, it } from 'vitest';
import { ZApiFields, ZNewApiFields, ZTags } from './api-fields';
import { ZDeclarativeApi } from './declarative';
import { ZSnapshotApi } from './snapshot';

describe('ZTags', () => {
  it('keeps a tag given twice once, in its first place', () => {
    expect(ZTags.parse(['b', 'a', 'b', 'c.d_e-1'])).toEqual(['b', 'a', 'c.d_e-1']);
  });

  it('counts tags after removing repeats', () => {
    expect(ZTags.safeParse([...Array.from({ length: 20 }, (_, i) => `t${i}`), 't0']).success).toBe(
      true,
    );
  });
});

describe('an API field added to ZApiFields', () => {
  const minimal = { name: 'orders', basePath: '/orders', service: 'orders' };

  it('reaches the declarative file, optional there with its default', () => {
    expect(ZDeclarativeApi.parse(minimal).tags).toEqual([]);
    expect(ZDeclarativeApi.parse({ ...minimal, tags: ['x', 'x'] }).tags).toEqual(['x']);
  });

  it('reaches a new API with its default and an update as optional', () => {
    expect(ZNewApiFields.parse({ name: 'orders', basePath: '/o' }).tags).toEqual([]);
    expect(ZApiFields.partial().parse({})).toEqual({});
  });

  it('reaches the snapshot as optional, so versions published before it still parse unchanged', () => {
    const api = { id: 'api_1', name: 'orders', slug: 'orders', basePath: '/o', serviceId: 's' };
    const parsed = ZSnapshotApi.parse({ ...api, auth: { type: 'none' } });
    expect(parsed).not.toHaveProperty('tags');
    expect(ZSnapshotApi.parse({ ...api, auth: { type: 'none' }, tags: ['a'] }).tags).toEqual(['a']);
  });
});
