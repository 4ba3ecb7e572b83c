import type { ConfigSnapshot } from '@portico/config';

/** One changed leaf: `path` is dotted with [index] for arrays, e.g. `timeouts.connectMs`. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface EntityRef {
  id: string;
  name: string;
}

/**
 * Every entity carries its field-level changes: for an added entity each field it has (before
 * null), for a removed one each field it had (after null), so a reviewer sees what a publish
 * brings in or takes away, not only names.
 */
export interface KindDiff {
  added: (EntityRef & { fields: FieldChange[] })[];
  removed: (EntityRef & { fields: FieldChange[] })[];
  changed: (EntityRef & { fields: FieldChange[] })[];
}

export const SNAPSHOT_KINDS = ['registries', 'services', 'apis', 'plans'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

export type SnapshotDiff = Record<SnapshotKind, KindDiff> & { identical: boolean };

/**
 * What changes from `before` to `after`, per entity kind. Entities are matched by id, so a rename
 * shows as a change of `name` rather than a removal and an addition.
 */
export function diffSnapshots(
  before: ConfigSnapshot | null,
  after: ConfigSnapshot | null,
): SnapshotDiff {
  const result = { identical: true } as SnapshotDiff;
  for (const kind of SNAPSHOT_KINDS) {
    const a: readonly EntityLike[] = before?.[kind] ?? [];
    const b: readonly EntityLike[] = after?.[kind] ?? [];
    const kindDiff = diffKind(a, b);
    result[kind] = kindDiff;
    if (kindDiff.added.length + kindDiff.removed.length + kindDiff.changed.length > 0)
      result.identical = false;
  }
  return result;
}

interface EntityLike {
  id: string;
  name: string;
}

function diffKind(before: readonly EntityLike[], after: readonly EntityLike[]): KindDiff {
  const beforeById = new Map(before.map((e) => [e.id, e]));
  const afterIds = new Set(after.map((e) => e.id));
  const out: KindDiff = { added: [], removed: [], changed: [] };
  for (const entity of after) {
    const old = beforeById.get(entity.id);
    if (!old) {
      out.added.push({ id: entity.id, name: entity.name, fields: leavesOf(entity, 'after') });
      continue;
    }
    const fields: FieldChange[] = [];
    collectChanges(old, entity, '', fields);
    if (fields.length > 0) out.changed.push({ id: entity.id, name: entity.name, fields });
  }
  for (const entity of before) {
    if (!afterIds.has(entity.id))
      out.removed.push({ id: entity.id, name: entity.name, fields: leavesOf(entity, 'before') });
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(prefix: string, key: string): string {
  return prefix.length === 0 ? key : `${prefix}.${key}`;
}

/** An entity's fields as changes from or to nothing (its id is its identity, not a field). */
function leavesOf(entity: EntityLike, side: 'before' | 'after'): FieldChange[] {
  const { id: _id, ...fields } = entity as EntityLike & Record<string, unknown>;
  const out: FieldChange[] = [];
  const walk = (value: unknown, path: string) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const key of Object.keys(value).sort()) walk(value[key], join(path, key));
      return;
    }
    out.push(
      side === 'after'
        ? { path, before: null, after: value ?? null }
        : { path, before: value ?? null, after: null },
    );
  };
  walk(fields, '');
  return out;
}

function collectChanges(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort())
      collectChanges(before[key], after[key], join(path, key), out);
    return;
  }
  // Arrays of the same length are compared element by element (routes, targets); a length change
  // is reported as the whole array, which reads better than a cascade of shifted elements.
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, index) => {
      collectChanges(item, after[index], `${path}[${index}]`, out);
    });
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({
      path: path.length === 0 ? '(root)' : path,
      before: before ?? null,
      after: after ?? null,
    });
  }
}
