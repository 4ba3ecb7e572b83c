import { createService, updateService } from '../../services/services';
import { type DeclarativeServiceView, viewKey } from '../declarative-state';
import { asFileEntity, type Run } from './reconcile-run';

/** A file entry as the service functions take it: settings apart, the registry by name. */
function serviceFields(s: DeclarativeServiceView) {
  const { name, description, targets, discovery, ...settings } = s;
  return { name, description, targets, discovery, settings };
}

export async function upsertServices({ tx, doc, state, changes, ids, now }: Run): Promise<void> {
  for (const s of doc.services) {
    const current = state.services.get(s.name);
    const fields = serviceFields(s);
    const where = `services.${s.name}`;
    if (!current) {
      const created = await asFileEntity(where, () => createService(tx, fields, now));
      ids.services.set(s.name, created.id);
      changes.push({ kind: 'service', name: s.name, action: 'create' });
      continue;
    }
    ids.services.set(s.name, current.id);
    if (viewKey(s) !== viewKey(current.view)) {
      await asFileEntity(where, () =>
        updateService(tx, {
          id: current.id,
          ...fields,
          description: fields.description ?? null,
          discovery: fields.discovery ?? null,
        }),
      );
      changes.push({ kind: 'service', name: s.name, action: 'update' });
    }
  }
}
