import { ZDeclarativeConfig } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { refusedWithoutWrites } from './bad-input-harness';
import { apiHarnessForFile } from './file-harness';
import { uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

async function newApi(tags?: string[]) {
  const service = await fx.service();
  const name = uniqueName('api');
  return h
    .as('editor')
    .apis.create({ name, basePath: `/${name}`, serviceId: service.id, ...(tags ? { tags } : {}) });
}

describe('API tags through the API procedures', () => {
  it('are stored on create, given twice kept once, and read back by get and list', async () => {
    const api = await newApi(['payments', 'team.core', 'payments', 'v2_beta-1']);
    expect(api.tags).toEqual(['payments', 'team.core', 'v2_beta-1']);
    expect((await h.as('viewer').apis.get({ id: api.id })).tags).toEqual(api.tags);
    const listed = await h.as('viewer').apis.list({});
    expect(listed.find((a) => a.id === api.id)?.tags).toEqual(api.tags);
    const row = await h.db.api.findUniqueOrThrow({ where: { id: api.id } });
    expect(row.tags).toEqual(['payments', 'team.core', 'v2_beta-1']);
  });

  it('default to none, are replaced whole by an update, and stay when an update leaves them out', async () => {
    const api = await newApi();
    expect(api.tags).toEqual([]);
    const tagged = await h.as('editor').apis.update({ id: api.id, tags: ['internal', 'orders'] });
    expect(tagged.tags).toEqual(['internal', 'orders']);
    const renamed = await h.as('editor').apis.update({ id: api.id, description: 'renamed' });
    expect(renamed.tags).toEqual(['internal', 'orders']);
    const cleared = await h.as('editor').apis.update({ id: api.id, tags: [] });
    expect(cleared.tags).toEqual([]);
  });

  it.each([
    [['Payments'], 'tags.0: a tag may use only lower-case letters, digits, "_", "." and "-"'],
    [
      ['ok', 'has space'],
      'tags.1: a tag may use only lower-case letters, digits, "_", "." and "-"',
    ],
    [[''], 'tags.0: a tag must not be empty'],
    [['x'.repeat(65)], 'tags.0: a tag must be at most 64 characters'],
    [Array.from({ length: 21 }, (_, i) => `t${i}`), 'tags: at most 20 tags'],
  ])(
    'a bad tag list %j is refused on create with a message naming the tag, and nothing is written',
    async (tags, message) => {
      const service = await fx.service();
      const name = uniqueName('api');
      const error = await refusedWithoutWrites(
        h,
        () =>
          h.as('editor').apis.create({ name, basePath: `/${name}`, serviceId: service.id, tags }),
        'BAD_REQUEST',
      );
      expect(error.message).toBe(message);
    },
  );

  it('a bad tag is refused on update too, and the stored tags stay', async () => {
    const api = await newApi(['kept']);
    const error = await refusedWithoutWrites(
      h,
      () => h.as('editor').apis.update({ id: api.id, tags: ['kept', 'Not Valid'] }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('tags.1: a tag may use only lower-case letters');
    const row = await h.db.api.findUniqueOrThrow({ where: { id: api.id } });
    expect(row.tags).toEqual(['kept']);
  });
});

describe('API tags in the declarative file and the snapshot', () => {
  it('dump writes an API’s tags, applying the dump changes nothing, and the published snapshot carries them', async () => {
    const tagged = await newApi(['billing', 'public-api']);
    const untagged = await newApi();
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.apis.find((a) => a.name === tagged.name)?.tags).toEqual([
      'billing',
      'public-api',
    ]);
    expect(dumped.apis.find((a) => a.name === untagged.name)?.tags).toEqual([]);
    expect(ZDeclarativeConfig.safeParse(dumped).success).toBe(true);

    const applied = await h
      .as('editor')
      .config.applyDocument({ document: toYaml(dumped), message: 'tags' });
    expect(applied.changes).toEqual([]);
    expect(applied.published).not.toBeNull();
    const version = await h.as('viewer').config.get({ number: applied.published?.number ?? 0 });
    const snapshotApis = version.snapshot.apis;
    expect(snapshotApis.find((a) => a.id === tagged.id)?.tags).toEqual(['billing', 'public-api']);
    // Left out when empty, so APIs without tags hash as they did before tags existed.
    expect(snapshotApis.find((a) => a.id === untagged.id)).not.toHaveProperty('tags');
  });

  it('tags given in a file are stored, and dump writes them back as given', async () => {
    const dumped = await h.as('viewer').config.dump();
    const api = dumped.apis[0];
    if (!api) throw new Error('the previous test stored APIs');
    const edited = { ...api, tags: ['from-file', 'second'] };
    const document = toYaml({ ...dumped, apis: [edited, ...dumped.apis.slice(1)] });
    const applied = await h.as('editor').config.applyDocument({ document });
    expect(applied.changes).toEqual([{ kind: 'api', name: api.name, action: 'update' }]);
    const again = await h.as('viewer').config.dump();
    expect(again.apis.find((a) => a.name === api.name)?.tags).toEqual(['from-file', 'second']);
    expect(again).toEqual({ ...dumped, apis: [edited, ...dumped.apis.slice(1)] });
  });

  it('a file with a bad tag is refused with the tag’s path, and nothing is written', async () => {
    const dumped = await h.as('viewer').config.dump();
    const api = dumped.apis[0];
    if (!api) throw new Error('the previous test stored APIs');
    const document = toYaml({ ...dumped, apis: [{ ...api, tags: ['fine', 'NOT fine'] }] });
    const error = await refusedWithoutWrites(
      h,
      () => h.as('editor').config.applyDocument({ document }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain(
      'apis[0].tags[1]: a tag may use only lower-case letters, digits, "_", "." and "-"',
    );
  });
});
