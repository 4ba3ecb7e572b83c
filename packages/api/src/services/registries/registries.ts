import { type RegistryType, ZRegistryFields } from '@portico/config';
import type { Prisma, RegistryConnection } from '@portico/db';
import { newId } from '@portico/id';
import { sealSecret } from '../../crypto/seal';
import { conflict, notFound } from '../shared/domain-errors';
import { parseJsonColumn } from '../shared/json-column';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';
import type { RegistryProbeTarget } from './registry-probe';

/** A registry as callers see it: credentials are write-only, only their presence shows. */
export interface RegistryView extends RegistryProbeTarget {
  lastCheckedAt: Date | null;
  lastStatus: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A registry's stored options, parsed with the options field's rule. */
export function registryOptions(r: RegistryConnection): Record<string, unknown> {
  return parseJsonColumn(ZRegistryFields.shape.options, r.options, `registry ${r.name}: options`);
}

export function toRegistryView(r: RegistryConnection): RegistryView {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    address: r.address,
    options: registryOptions(r),
    hasCredentials: r.credentialsSealed !== null,
    lastCheckedAt: r.lastCheckedAt,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export async function listRegistries(tx: Prisma.TransactionClient): Promise<RegistryView[]> {
  const rows = await tx.registryConnection.findMany({ orderBy: { name: 'asc' } });
  return rows.map(toRegistryView);
}

/** One page of registry connections by name, those whose name or address holds `search`. */
export async function pageRegistries(
  tx: Prisma.TransactionClient,
  input: PageInput & { search?: string | undefined },
): Promise<Page<RegistryView>> {
  const where: Prisma.RegistryConnectionWhereInput = {
    OR: textSearch(input.search, ['name', 'address']),
  };
  return pageOf(input, {
    find: (window) =>
      tx.registryConnection.findMany({
        where,
        orderBy: byName(),
        ...window,
      }),
    count: () => tx.registryConnection.count({ where }),
    view: toRegistryView,
  });
}

export async function loadRegistry(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<RegistryConnection> {
  const row = await tx.registryConnection.findUnique({ where: { id } });
  if (!row) throw notFound('registry', id);
  return row;
}

async function assertNameFree(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<void> {
  const other = await tx.registryConnection.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId)
    throw conflict(`name: a registry named ${name} already exists`);
}

export interface RegistryInput {
  name: string;
  type: RegistryType;
  address: string;
  options: Record<string, unknown>;
  credentials?: Record<string, string> | undefined;
}

export async function createRegistry(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  input: RegistryInput,
  now: Date,
): Promise<RegistryView> {
  await assertNameFree(tx, input.name);
  const row = await tx.registryConnection.create({
    data: {
      id: newId('registry', now.getTime()),
      name: input.name,
      type: input.type,
      address: input.address,
      options: input.options as Prisma.InputJsonValue,
      credentialsSealed: input.credentials
        ? sealSecret(secretKey, JSON.stringify(input.credentials))
        : null,
    },
  });
  return toRegistryView(row);
}

export interface RegistryPatch {
  id: string;
  name?: string | undefined;
  type?: RegistryType | undefined;
  address?: string | undefined;
  options?: Record<string, unknown> | undefined;
  /** Absent keeps the stored credentials; null removes them. */
  credentials?: Record<string, string> | null | undefined;
}

export async function updateRegistry(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  patch: RegistryPatch,
): Promise<{ before: RegistryView; after: RegistryView }> {
  const current = await loadRegistry(tx, patch.id);
  if (patch.name !== undefined) await assertNameFree(tx, patch.name, current.id);
  const credentialsSealed =
    patch.credentials === undefined
      ? undefined
      : patch.credentials === null
        ? null
        : sealSecret(secretKey, JSON.stringify(patch.credentials));
  const row = await tx.registryConnection.update({
    where: { id: current.id },
    data: {
      name: patch.name,
      type: patch.type,
      address: patch.address,
      options: patch.options as Prisma.InputJsonValue | undefined,
      credentialsSealed,
    },
  });
  return { before: toRegistryView(current), after: toRegistryView(row) };
}

/** Refused while services discover through the registry, naming them. */
export async function deleteRegistry(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<RegistryView> {
  const current = await loadRegistry(tx, id);
  const users = await tx.service.findMany({
    where: { registryId: id },
    select: { name: true },
    take: 10,
  });
  if (users.length > 0) {
    throw conflict(
      `id: registry ${current.name} is used by service(s) ${users.map((s) => s.name).join(', ')}`,
    );
  }
  await tx.registryConnection.delete({ where: { id } });
  return toRegistryView(current);
}
