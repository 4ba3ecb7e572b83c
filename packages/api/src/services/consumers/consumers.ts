import type { Consumer, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { logConsumerChange, logKeyChange, logSubscriptionChange } from '../../sync/credential-log';
import { badRequest, conflict, notFound, PorticoError } from '../shared/domain-errors';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';

export interface ConsumerView {
  id: string;
  name: string;
  description: string | null;
  ownerId: string | null;
  status: 'active' | 'suspended';
  webhookUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toConsumerView(c: Consumer): ConsumerView {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    ownerId: c.ownerId,
    status: c.status,
    webhookUrl: c.webhookUrl,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/**
 * Loads a consumer the caller may reach. `ownerScope` is a developer's user id (only their own
 * consumers exist for them; others are "not found", so ids of other people's apps leak nothing)
 * or null for operators.
 */
export async function loadConsumer(
  tx: Prisma.TransactionClient,
  id: string,
  ownerScope: string | null,
): Promise<Consumer> {
  const consumer = await tx.consumer.findUnique({ where: { id } });
  if (!consumer || (ownerScope !== null && consumer.ownerId !== ownerScope))
    throw notFound('consumer', id);
  return consumer;
}

export async function listConsumers(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  filter: { search?: string | undefined; status?: 'active' | 'suspended' | undefined },
): Promise<ConsumerView[]> {
  const rows = await tx.consumer.findMany({
    where: {
      ownerId: ownerScope ?? undefined,
      status: filter.status,
      name: filter.search ? { contains: filter.search, mode: 'insensitive' } : undefined,
    },
    orderBy: { name: 'asc' },
  });
  return rows.map(toConsumerView);
}

/** One page of consumers by name, in the owner's scope, filtered by status and name. */
export async function pageConsumers(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: PageInput & {
    search?: string | undefined;
    status?: 'active' | 'suspended' | undefined;
  },
): Promise<Page<ConsumerView>> {
  const where: Prisma.ConsumerWhereInput = {
    ownerId: ownerScope ?? undefined,
    status: input.status,
    OR: textSearch(input.search, ['name']),
  };
  return pageOf(input, {
    find: (window) => tx.consumer.findMany({ where, orderBy: byName(), ...window }),
    count: () => tx.consumer.count({ where }),
    view: toConsumerView,
  });
}

/** True when a consumer other than `exceptId` already has `name` (consumer names are unique). */
export async function consumerNameTaken(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  const other = await tx.consumer.findUnique({ where: { name }, select: { id: true } });
  return other !== null && other.id !== exceptId;
}

async function assertNameFree(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<void> {
  if (await consumerNameTaken(tx, name, exceptId))
    throw conflict(`name: a consumer named ${name} already exists`);
}

export interface ConsumerInput {
  name: string;
  description?: string | undefined;
  ownerId?: string | undefined;
  webhookUrl?: string | undefined;
}

export async function createConsumer(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: ConsumerInput,
  now: Date,
): Promise<ConsumerView> {
  let ownerId = input.ownerId ?? null;
  if (ownerScope !== null) {
    if (ownerId !== null && ownerId !== ownerScope) {
      throw new PorticoError(
        'CTL_FORBIDDEN',
        'ownerId: developers create consumers only for themselves',
      );
    }
    ownerId = ownerScope;
  } else if (ownerId !== null) {
    const owner = await tx.user.findUnique({ where: { id: ownerId }, select: { kind: true } });
    if (owner?.kind !== 'developer') throw badRequest(`ownerId: no developer with id ${ownerId}`);
  }
  await assertNameFree(tx, input.name);
  const consumer = await tx.consumer.create({
    data: {
      id: newId('consumer', now.getTime()),
      name: input.name,
      description: input.description ?? null,
      ownerId,
      webhookUrl: input.webhookUrl ?? null,
    },
  });
  await logConsumerChange(tx, consumer.id);
  return toConsumerView(consumer);
}

export interface ConsumerPatch {
  id: string;
  name?: string | undefined;
  description?: string | null | undefined;
  webhookUrl?: string | null | undefined;
}

export async function updateConsumer(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  patch: ConsumerPatch,
): Promise<{ before: ConsumerView; after: ConsumerView }> {
  const current = await loadConsumer(tx, patch.id, ownerScope);
  if (patch.name !== undefined) await assertNameFree(tx, patch.name, current.id);
  const updated = await tx.consumer.update({
    where: { id: current.id },
    data: { name: patch.name, description: patch.description, webhookUrl: patch.webhookUrl },
  });
  await logConsumerChange(tx, updated.id);
  return { before: toConsumerView(current), after: toConsumerView(updated) };
}

/** Suspended consumers' keys are refused by gateways at once (through the credential log). */
export async function setConsumerStatus(
  tx: Prisma.TransactionClient,
  id: string,
  status: 'active' | 'suspended',
): Promise<{ before: ConsumerView; after: ConsumerView }> {
  const current = await loadConsumer(tx, id, null);
  const updated = await tx.consumer.update({ where: { id }, data: { status } });
  await logConsumerChange(tx, id);
  return { before: toConsumerView(current), after: toConsumerView(updated) };
}

/** Deletes a consumer with its keys and subscriptions, logging each removal for the gateways. */
export async function deleteConsumer(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  id: string,
): Promise<ConsumerView> {
  const current = await loadConsumer(tx, id, ownerScope);
  const keys = await tx.apiKey.findMany({ where: { consumerId: id }, select: { id: true } });
  const subscriptions = await tx.subscription.findMany({
    where: { consumerId: id },
    select: { id: true },
  });
  await tx.consumer.delete({ where: { id } });
  for (const key of keys) await logKeyChange(tx, key.id);
  for (const sub of subscriptions) await logSubscriptionChange(tx, sub.id);
  await logConsumerChange(tx, id);
  return toConsumerView(current);
}
