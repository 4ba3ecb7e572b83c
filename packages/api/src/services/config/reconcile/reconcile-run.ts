import type { DeclarativeConfig } from '@portico/config';
import { DbNull, type Prisma } from '@portico/db';
import { TRPCError } from '@trpc/server';
import type { AppliedChange, ApplyContext } from '../declarative-apply';
import type { DeclarativeState } from '../declarative-state';

/** Everything one reconcile run shares: the transaction, what is stored, and what it changed. */
export interface Run {
  tx: Prisma.TransactionClient;
  ctx: ApplyContext;
  doc: DeclarativeConfig;
  state: DeclarativeState;
  changes: AppliedChange[];
  /** Consumers whose subscriptions or fields changed (reported once as an update). */
  consumerChanged: Set<string>;
  /**
   * `consumer:<id>` / `subscription:<id>` / `credential:<id>` to write to the credential log at the end, in first-seen
   * order. Logging last keeps the log's lock (which orders all credential writers) for the
   * shortest time, and each entity is logged once, in its final state.
   */
  credentialLog: Set<string>;
  now: Date;
  ids: {
    registries: Map<string, string>;
    services: Map<string, string>;
    apis: Map<string, string>;
    plans: Map<string, string>;
  };
}

export const sortedNames = (names: readonly string[]) => [...new Set(names)].sort();

export function jsonOrDbNull(value: unknown): Prisma.InputJsonValue | typeof DbNull {
  return value === undefined || value === null ? DbNull : (value as Prisma.InputJsonValue);
}

/** The id this run stored under `name`; every reference in the document was reconciled first. */
export function mustGet<T>(map: Map<string, T>, name: string, what: string): T {
  const value = map.get(name);
  // The document schema already checked every reference and this run filled the maps, so this
  // only fires on a bug; it must still fail the transaction rather than write a dangling link.
  if (value === undefined) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `${what} ${name} was not reconciled`,
    });
  }
  return value;
}

type RemovableKind = 'api' | 'service' | 'registry';

/** What the document lists and what is stored of a kind, and how one stored entry is removed. */
function unlistedSource(run: Run, kind: RemovableKind) {
  const { tx, doc, state } = run;
  switch (kind) {
    case 'api':
      return {
        listed: doc.apis,
        stored: state.apis,
        remove: (id: string) => tx.api.delete({ where: { id } }),
      };
    case 'service':
      return {
        listed: doc.services,
        stored: state.services,
        remove: (id: string) => tx.service.delete({ where: { id } }),
      };
    case 'registry':
      return {
        listed: doc.registries,
        stored: state.registries,
        remove: (id: string) => tx.registryConnection.delete({ where: { id } }),
      };
    default:
      return kind satisfies never;
  }
}

/**
 * Deletes the entries of `kind` stored under a name the document no longer lists, recording each
 * as a change. Routes and plan links go with their API by cascade.
 */
export async function deleteUnlisted(run: Run, kind: RemovableKind): Promise<void> {
  const { listed, stored, remove } = unlistedSource(run, kind);
  const names = new Set<string>(listed.map((entry) => entry.name));
  for (const [name, current] of stored) {
    if (names.has(name)) continue;
    await remove(current.id);
    run.changes.push({ kind, name, action: 'delete' });
  }
}
