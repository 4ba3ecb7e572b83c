import type { CommandContext } from '../command';
import { renderTable } from '../table';

export interface ConfigChange {
  kind: string;
  name: string;
  action: 'create' | 'update' | 'delete';
}

const ACTION_ORDER = { create: 0, update: 1, delete: 2 } as const;
/** Dependency order, the order in which apply creates things. */
const KIND_ORDER = ['registry', 'service', 'api', 'plan', 'consumer'];
const kindRank = (kind: string) => {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
};

/** The change list of apply/diff, one aligned row per entity. */
export function renderChanges(ctx: CommandContext, changes: readonly ConfigChange[]): string {
  const colour = {
    create: ctx.style.green,
    update: ctx.style.yellow,
    delete: ctx.style.red,
  };
  const rows = [...changes]
    .sort(
      (a, b) =>
        ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
        kindRank(a.kind) - kindRank(b.kind) ||
        a.name.localeCompare(b.name),
    )
    .map((change) => [colour[change.action](change.action), change.kind, change.name]);
  return renderTable(['action', 'kind', 'name'], rows);
}

export function summariseChanges(changes: readonly ConfigChange[]): string {
  const count = (action: ConfigChange['action']) =>
    changes.filter((change) => change.action === action).length;
  return `${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete`;
}
