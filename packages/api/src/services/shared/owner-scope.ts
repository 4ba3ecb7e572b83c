import { notFound } from './domain-errors';

/** How a row reached through its consumer is read with its owner, for `reachableRow`. */
export const CONSUMER_OWNER_INCLUDE = { consumer: { select: { ownerId: true } } } as const;

/** Who asks for which row: `ownerScope` null reaches every owner, else only that developer's. */
export interface ScopedLookup {
  ownerScope: string | null;
  /** What the row is, for the NOT_FOUND message (`key`, `credential`). */
  what: string;
  id: string;
}

/**
 * A row found with its consumer's owner, without that owner. NOT_FOUND when it is missing or
 * beyond `ownerScope`, alike, so another developer's ids cannot be probed.
 */
export function reachableRow<Row extends { consumer: { ownerId: string | null } }>(
  found: Row | null,
  { ownerScope, what, id }: ScopedLookup,
): Omit<Row, 'consumer'> {
  if (!found || (ownerScope !== null && found.consumer.ownerId !== ownerScope))
    throw notFound(what, id);
  const { consumer: _consumer, ...row } = found;
  return row;
}
