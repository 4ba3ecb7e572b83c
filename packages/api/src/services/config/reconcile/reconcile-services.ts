import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { type DeclarativeServiceView, viewKey } from '../declarative-state';
import { jsonOrDbNull, mustGet, type Run } from './reconcile-run';

/** The registry is stored as a relation (registryId), so the JSON keeps only what is looked up in it. */
function withoutRegistryName(discovery: NonNullable<DeclarativeServiceView['discovery']>) {
  const { registry: _name, ...within } = discovery;
  return within;
}

function serviceData(s: DeclarativeServiceView, registryId: string | null) {
  const { name, description, targets, discovery, ...settings } = s;
  return {
    name,
    description: description ?? null,
    targets: targets as Prisma.InputJsonValue,
    registryId,
    discovery: jsonOrDbNull(discovery ? withoutRegistryName(discovery) : null),
    settings: settings as Prisma.InputJsonValue,
  };
}

export async function upsertServices({ tx, doc, state, changes, ids }: Run): Promise<void> {
  for (const s of doc.services) {
    const current = state.services.get(s.name);
    const registryId = s.discovery
      ? mustGet(ids.registries, s.discovery.registry, 'registry')
      : null;
    const data = serviceData(s, registryId);
    if (!current) {
      const id = newId('service');
      await tx.service.create({ data: { id, ...data } });
      ids.services.set(s.name, id);
      changes.push({ kind: 'service', name: s.name, action: 'create' });
      continue;
    }
    ids.services.set(s.name, current.id);
    if (viewKey(s) !== viewKey(current.view)) {
      await tx.service.update({ where: { id: current.id }, data });
      changes.push({ kind: 'service', name: s.name, action: 'update' });
    }
  }
}
