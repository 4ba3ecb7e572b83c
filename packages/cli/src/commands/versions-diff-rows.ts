/** The shape of config.diff: per snapshot kind, entities added, removed and changed by field. */
export interface VersionDiff {
  identical: boolean;
  registries: KindDiff;
  services: KindDiff;
  apis: KindDiff;
  plans: KindDiff;
}

interface KindDiff {
  added: readonly { name: string }[];
  removed: readonly { name: string }[];
  changed: readonly { name: string; fields: readonly { path: string }[] }[];
}

const KINDS = ['registries', 'services', 'apis', 'plans'] as const;
const SINGULAR = {
  registries: 'registry',
  services: 'service',
  apis: 'api',
  plans: 'plan',
} as const;

/** Rows of `change, kind, name, fields` for `portico versions diff`. */
export function versionDiffRows(diff: VersionDiff): string[][] {
  const rows: string[][] = [];
  for (const kind of KINDS) {
    for (const entity of diff[kind].added) rows.push(['added', SINGULAR[kind], entity.name, '']);
    for (const entity of diff[kind].changed) {
      rows.push([
        'changed',
        SINGULAR[kind],
        entity.name,
        entity.fields.map((f) => f.path).join(', '),
      ]);
    }
    for (const entity of diff[kind].removed)
      rows.push(['removed', SINGULAR[kind], entity.name, '']);
  }
  return rows;
}
