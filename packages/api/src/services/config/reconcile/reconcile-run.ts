import type { DeclarativeConfig } from '@portico/config';
import type { Prisma } from '@portico/db';
import { deleteApi } from '../../apis/apis';
import { deleteRegistry } from '../../registries/registries';
import { deleteService } from '../../services/services';
import { PorticoError } from '../../shared/domain-errors';
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
  now: Date;
  ids: {
    registries: Map<string, string>;
    services: Map<string, string>;
    apis: Map<string, string>;
    plans: Map<string, string>;
    consumers: Map<string, string>;
  };
}

export const sortedNames = (names: readonly string[]) => [...new Set(names)].sort();

/** The id this run stored under `name`; every reference in the document was reconciled first. */
export function mustGet<T>(map: Map<string, T>, name: string, what: string): T {
  const value = map.get(name);
  // The document schema already checked every reference and this run filled the maps, so this
  // only fires on a bug; it must still fail the transaction rather than write a dangling link.
  if (value === undefined) {
    throw new PorticoError('CTL_INTERNAL', `${what} ${name} was not reconciled`);
  }
  return value;
}

/** A service message's leading field path (`basePath: …`, `auth.secretRef: …`). */
const FIELD_PATH = /^[A-Za-z0-9_.[\]]+: /;

/**
 * Runs a service write for the file's entity at `where` (`apis.orders-api`), so a refusal names
 * that entity: `apis.orders-api.basePath: …`. The service's rule and error code are kept as is.
 */
export async function asFileEntity<T>(where: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof PorticoError) || error.code === 'CTL_INTERNAL') throw error;
    const message = FIELD_PATH.test(error.message)
      ? `${where}.${error.message}`
      : `${where}: ${error.message}`;
    throw new PorticoError(error.code, message, { cause: error });
  }
}

type RemovableKind = 'api' | 'service' | 'registry';

interface UnlistedSource {
  section: string;
  listed: readonly { name: string }[];
  stored: ReadonlyMap<string, { id: string }>;
  remove: (tx: Prisma.TransactionClient, id: string) => Promise<unknown>;
}

/** What the document lists and what is stored of a kind, and the service that removes one. */
function unlistedSource(run: Run, kind: RemovableKind): UnlistedSource {
  const { doc, state } = run;
  switch (kind) {
    case 'api':
      return { section: 'apis', listed: doc.apis, stored: state.apis, remove: deleteApi };
    case 'service':
      return {
        section: 'services',
        listed: doc.services,
        stored: state.services,
        remove: deleteService,
      };
    case 'registry':
      return {
        section: 'registries',
        listed: doc.registries,
        stored: state.registries,
        remove: deleteRegistry,
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
  const { section, listed, stored, remove } = unlistedSource(run, kind);
  const names = new Set(listed.map((entry) => entry.name));
  for (const [name, current] of stored) {
    if (names.has(name)) continue;
    await asFileEntity(`${section}.${name}`, () => remove(run.tx, current.id));
    run.changes.push({ kind, name, action: 'delete' });
  }
}
