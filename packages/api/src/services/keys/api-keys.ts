import type { ApiKey, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { generateSecret } from '@portico/keys';
import { logKeyChange } from '../../sync/credential-log';
import { loadConsumer } from '../consumers/consumers';
import { ACCESS_VIEW_COLUMNS, type AccessView, toAccessView } from '../shared/access-status';
import { preconditionFailed } from '../shared/domain-errors';
import { CONSUMER_OWNER_INCLUDE, reachableRow } from '../shared/owner-scope';
import { newestFirst, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';

/**
 * What callers see of a key: never its hash. `start` is the public prefix (`pk_` + first
 * characters) to recognise and find a leaked key.
 */
const API_KEY_VIEW_COLUMNS = [
  ...ACCESS_VIEW_COLUMNS,
  'start',
  'rotatedFrom',
] as const satisfies readonly (keyof ApiKey)[];

export type ApiKeyView = AccessView<ApiKey, (typeof API_KEY_VIEW_COLUMNS)[number]>;

export function toApiKeyView(k: ApiKey, now: Date): ApiKeyView {
  return toAccessView(k, API_KEY_VIEW_COLUMNS, now);
}

export async function listKeys(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  consumerId: string | undefined,
  now: Date,
): Promise<ApiKeyView[]> {
  const rows = await tx.apiKey.findMany({
    where: { consumerId, consumer: ownerScope === null ? undefined : { ownerId: ownerScope } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((k) => toApiKeyView(k, now));
}

/**
 * One page of keys, newest first, in the owner's scope: one consumer's, and those whose name or
 * public start holds `search`.
 */
export async function pageKeys(
  tx: Prisma.TransactionClient,
  query: {
    ownerScope: string | null;
    input: PageInput & { consumerId?: string | undefined; search?: string | undefined };
    now: Date;
  },
): Promise<Page<ApiKeyView>> {
  const { ownerScope, input, now } = query;
  const where: Prisma.ApiKeyWhereInput = {
    consumerId: input.consumerId,
    consumer: ownerScope === null ? undefined : { ownerId: ownerScope },
    OR: textSearch(input.search, ['name', 'start']),
  };
  return pageOf(input, {
    find: (window) => tx.apiKey.findMany({ where, orderBy: newestFirst(), ...window }),
    count: () => tx.apiKey.count({ where }),
    view: (k) => toApiKeyView(k, now),
  });
}

/** A key the caller may reach; NOT_FOUND otherwise. */
async function loadKey(tx: Prisma.TransactionClient, id: string, ownerScope: string | null) {
  const found = await tx.apiKey.findUnique({ where: { id }, include: CONSUMER_OWNER_INCLUDE });
  return reachableRow(found, { ownerScope, what: 'key', id });
}

export interface IssuedKey {
  key: ApiKeyView;
  /** The clear key: returned by this call only, never stored. */
  clear: string;
}

async function issueKey(
  tx: Prisma.TransactionClient,
  fields: { consumerId: string; name: string; expiresAt: Date | null; rotatedFrom: string | null },
  now: Date,
): Promise<IssuedKey> {
  const secret = generateSecret('apiKey');
  const row = await tx.apiKey.create({
    data: {
      id: newId('key', now.getTime()),
      ...fields,
      start: secret.start,
      hash: secret.hash,
    },
  });
  await logKeyChange(tx, row.id);
  return { key: toApiKeyView(row, now), clear: secret.clear };
}

export async function createKey(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: { consumerId: string; name: string; expiresInSeconds?: number | undefined },
  now: Date,
): Promise<IssuedKey> {
  const consumer = await loadConsumer(tx, input.consumerId, ownerScope);
  const expiresAt =
    input.expiresInSeconds === undefined
      ? null
      : new Date(now.getTime() + input.expiresInSeconds * 1000);
  return issueKey(
    tx,
    { consumerId: consumer.id, name: input.name, expiresAt, rotatedFrom: null },
    now,
  );
}

/**
 * Issues a replacement key; the old one stops working now (grace 0) or after the grace period,
 * so clients can switch over without an outage.
 */
export async function rotateKey(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: { id: string; gracePeriodSeconds: number },
  now: Date,
): Promise<IssuedKey & { before: ApiKeyView; old: ApiKeyView }> {
  const old = await loadKey(tx, input.id, ownerScope);
  const before = toApiKeyView(old, now);
  if (before.status !== 'active')
    throw preconditionFailed(
      `id: key ${old.start}… is ${before.status}; only an active key can be rotated`,
    );
  const graceEnd = new Date(now.getTime() + input.gracePeriodSeconds * 1000);
  const updatedOld =
    input.gracePeriodSeconds === 0
      ? await tx.apiKey.update({ where: { id: old.id }, data: { revokedAt: now } })
      : await tx.apiKey.update({
          where: { id: old.id },
          data: { expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd },
        });
  await logKeyChange(tx, old.id);
  const issued = await issueKey(
    tx,
    { consumerId: old.consumerId, name: old.name, expiresAt: old.expiresAt, rotatedFrom: old.id },
    now,
  );
  return { ...issued, before, old: toApiKeyView(updatedOld, now) };
}

/** Revokes a key at once; revoking a revoked key changes nothing. */
export async function revokeKey(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  id: string,
  now: Date,
): Promise<{ before: ApiKeyView; after: ApiKeyView; changed: boolean }> {
  const key = await loadKey(tx, id, ownerScope);
  if (key.revokedAt)
    return { before: toApiKeyView(key, now), after: toApiKeyView(key, now), changed: false };
  const updated = await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
  await logKeyChange(tx, id);
  return { before: toApiKeyView(key, now), after: toApiKeyView(updated, now), changed: true };
}
