/** Keys that lead each entity in `portico dump`, so a person sees what an entry is first. */
const LEADING_KEYS = ['name', 'description', 'type'];

/**
 * Reorders each entity's keys (name first) without changing any value, so the dump reads like a
 * hand-written file and still applies as a no-op.
 */
export function orderDumpedDocument(document: unknown): unknown {
  if (!isRecord(document)) return document;
  const ordered: Record<string, unknown> = {};
  for (const [kind, entities] of Object.entries(document)) {
    ordered[kind] = Array.isArray(entities) ? entities.map(orderEntity) : entities;
  }
  return ordered;
}

function orderEntity(entity: unknown): unknown {
  if (!isRecord(entity)) return entity;
  const ordered: Record<string, unknown> = {};
  for (const key of LEADING_KEYS) {
    if (Object.hasOwn(entity, key)) ordered[key] = entity[key];
  }
  for (const [key, value] of Object.entries(entity)) {
    if (!LEADING_KEYS.includes(key)) ordered[key] = value;
  }
  return ordered;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
