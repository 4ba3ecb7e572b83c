import { canonicalJson } from '@portico/config';
import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { openSealed, sealSecret } from '../../../crypto/seal';
import { viewKey } from '../declarative-state';
import type { Run } from './reconcile-run';

export async function upsertRegistries({ tx, ctx, doc, state, changes, ids }: Run): Promise<void> {
  for (const r of doc.registries) {
    const current = state.registries.get(r.name);
    const { credentials, ...view } = r;
    // Credentials are write-only: absent keeps what is stored, present replaces it when different.
    const sealed =
      credentials === undefined
        ? undefined
        : sealedIfChanged(ctx.secretKey, current?.credentialsSealed ?? null, credentials);
    const data = {
      name: r.name,
      type: r.type,
      address: r.address,
      options: r.options as Prisma.InputJsonValue,
      ...(sealed === undefined ? {} : { credentialsSealed: sealed }),
    };
    if (!current) {
      const id = newId('registry');
      await tx.registryConnection.create({ data: { id, ...data } });
      ids.registries.set(r.name, id);
      changes.push({ kind: 'registry', name: r.name, action: 'create' });
      continue;
    }
    ids.registries.set(r.name, current.id);
    if (viewKey(view) !== viewKey(current.view) || sealed !== undefined) {
      await tx.registryConnection.update({ where: { id: current.id }, data });
      changes.push({ kind: 'registry', name: r.name, action: 'update' });
    }
  }
}

/** The newly sealed credentials, or undefined when they equal what is stored (nothing to write). */
function sealedIfChanged(
  secretKey: Buffer,
  stored: string | null,
  credentials: Record<string, string>,
): string | undefined {
  if (stored !== null) {
    try {
      const current: unknown = JSON.parse(openSealed(secretKey, stored));
      if (canonicalJson(current) === canonicalJson(credentials)) return undefined;
    } catch {
      // Sealed under another key or unreadable: the file's value replaces it.
    }
  }
  return sealSecret(secretKey, JSON.stringify(credentials));
}
