import { canonicalJson } from '@portico/config';
import { createRegistry, updateRegistry } from '../../registries/registries';
import { openRegistryCredentials } from '../../registries/registry-credentials';
import { viewKey } from '../declarative-state';
import { asFileEntity, type Run } from './reconcile-run';

export async function upsertRegistries({
  tx,
  ctx,
  doc,
  state,
  changes,
  ids,
  now,
}: Run): Promise<void> {
  for (const r of doc.registries) {
    const current = state.registries.get(r.name);
    const { credentials, ...view } = r;
    const where = `registries.${r.name}`;
    if (!current) {
      const created = await asFileEntity(where, () => createRegistry(tx, ctx.secretKey, r, now));
      ids.registries.set(r.name, created.id);
      changes.push({ kind: 'registry', name: r.name, action: 'create' });
      continue;
    }
    ids.registries.set(r.name, current.id);
    // Credentials are write-only: absent keeps what is stored, present replaces it when different.
    const replaced =
      credentials !== undefined && credentialsDiffer(ctx.secretKey, current, credentials);
    if (viewKey(view) !== viewKey(current.view) || replaced) {
      await asFileEntity(where, () =>
        updateRegistry(tx, ctx.secretKey, {
          id: current.id,
          ...view,
          ...(replaced ? { credentials } : {}),
        }),
      );
      changes.push({ kind: 'registry', name: r.name, action: 'update' });
    }
  }
}

/** True unless the stored credentials open to exactly `credentials` (sealing again would write a new value for nothing). */
function credentialsDiffer(
  secretKey: Buffer,
  current: { credentialsSealed: string | null },
  credentials: Record<string, string>,
): boolean {
  if (current.credentialsSealed === null) return true;
  try {
    const stored = openRegistryCredentials(secretKey, current.credentialsSealed);
    return canonicalJson(stored) !== canonicalJson(credentials);
  } catch {
    // Sealed under another key or unreadable: the file's value replaces it.
    return true;
  }
}
