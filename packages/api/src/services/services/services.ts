import {
  type DiscoveryRef,
  type ServiceSettings,
  type Target,
  ZServiceFields,
} from '@portico/config';
import { DbNull, type Prisma, type Service } from '@portico/db';
import { newId } from '@portico/id';
import { badRequest, conflict, notFound } from '../shared/domain-errors';
import { parseJsonColumn, parseNullableJsonColumn } from '../shared/json-column';
import { byName, type Page, type PageInput, pageOf, textSearch } from '../shared/paging';
import { grpcSettingsProblem } from './grpc-schema-check';

export interface ServiceView {
  id: string;
  name: string;
  description: string | null;
  targets: Target[];
  /** The discovery reference with the registry's name, as in the declarative file. */
  discovery: DiscoveryRef | null;
  registryId: string | null;
  settings: ServiceSettings;
  createdAt: Date;
  updatedAt: Date;
}

type ServiceRow = Service & { registry: { name: string } | null };

const SERVICE = ZServiceFields.shape;
/** The registry is stored as a relation (`registryId`), not inside the discovery column. */
const ZStoredDiscovery = SERVICE.discovery.omit({ registry: true });

export function toServiceView(row: ServiceRow): ServiceView {
  const stored = parseNullableJsonColumn(
    ZStoredDiscovery,
    row.discovery,
    `service ${row.name}: discovery`,
  );
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    targets: parseJsonColumn(SERVICE.targets, row.targets, `service ${row.name}: targets`),
    discovery: row.registry && stored ? { ...stored, registry: row.registry.name } : null,
    registryId: row.registryId,
    settings: parseJsonColumn(SERVICE.settings, row.settings, `service ${row.name}: settings`),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const WITH_REGISTRY = { registry: { select: { name: true } } } as const;

export async function listServices(tx: Prisma.TransactionClient): Promise<ServiceView[]> {
  const rows = await tx.service.findMany({ orderBy: { name: 'asc' }, include: WITH_REGISTRY });
  return rows.map(toServiceView);
}

/** One page of services by name, those whose name holds `search`. */
export async function pageServices(
  tx: Prisma.TransactionClient,
  input: PageInput & { search?: string | undefined },
): Promise<Page<ServiceView>> {
  const where: Prisma.ServiceWhereInput = { OR: textSearch(input.search, ['name']) };
  return pageOf(input, {
    find: (window) =>
      tx.service.findMany({
        where,
        orderBy: byName(),
        include: WITH_REGISTRY,
        ...window,
      }),
    count: () => tx.service.count({ where }),
    view: toServiceView,
  });
}

export async function getService(tx: Prisma.TransactionClient, id: string): Promise<ServiceView> {
  const row = await tx.service.findUnique({ where: { id }, include: WITH_REGISTRY });
  if (!row) throw notFound('service', id);
  return toServiceView(row);
}

async function assertNameFree(
  tx: Prisma.TransactionClient,
  name: string,
  exceptId?: string,
): Promise<void> {
  const other = await tx.service.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId)
    throw conflict(`name: a service named ${name} already exists`);
}

/** Static targets and discovery are exclusive: exactly one of them says where instances are. */
function assertGrpcSettings(name: string, settings: ServiceSettings): void {
  const problem = grpcSettingsProblem(name, settings);
  if (problem !== null) throw badRequest(problem);
}

function assertOneSource(
  name: string,
  targets: readonly Target[],
  discovery: DiscoveryRef | null,
): void {
  const hasTargets = targets.length > 0;
  if (hasTargets === (discovery !== null)) {
    throw badRequest(
      `targets: service ${name} needs either static targets or a discovery reference, not ${hasTargets ? 'both' : 'neither'}`,
    );
  }
}

async function resolveDiscovery(
  tx: Prisma.TransactionClient,
  discovery: DiscoveryRef | null,
): Promise<{ registryId: string | null; discovery: Prisma.InputJsonValue | typeof DbNull }> {
  if (!discovery) return { registryId: null, discovery: DbNull };
  const registry = await tx.registryConnection.findUnique({
    where: { name: discovery.registry },
    select: { id: true },
  });
  if (!registry) throw badRequest(`discovery.registry: no registry named ${discovery.registry}`);
  const { registry: _name, ...within } = discovery;
  return { registryId: registry.id, discovery: within as Prisma.InputJsonValue };
}

export interface ServiceInput {
  name: string;
  description?: string | undefined;
  targets: Target[];
  discovery?: DiscoveryRef | undefined;
  settings: ServiceSettings;
}

export async function createService(
  tx: Prisma.TransactionClient,
  input: ServiceInput,
  now: Date,
): Promise<ServiceView> {
  await assertNameFree(tx, input.name);
  const discovery = input.discovery ?? null;
  assertOneSource(input.name, input.targets, discovery);
  assertGrpcSettings(input.name, input.settings);
  const resolved = await resolveDiscovery(tx, discovery);
  const row = await tx.service.create({
    data: {
      id: newId('service', now.getTime()),
      name: input.name,
      description: input.description ?? null,
      targets: input.targets as unknown as Prisma.InputJsonValue,
      registryId: resolved.registryId,
      discovery: resolved.discovery,
      settings: input.settings as unknown as Prisma.InputJsonValue,
    },
    include: WITH_REGISTRY,
  });
  return toServiceView(row);
}

export interface ServicePatch {
  id: string;
  name?: string | undefined;
  description?: string | null | undefined;
  targets?: Target[] | undefined;
  /** null switches the service to static targets. */
  discovery?: DiscoveryRef | null | undefined;
  settings?: ServiceSettings | undefined;
}

export async function updateService(
  tx: Prisma.TransactionClient,
  patch: ServicePatch,
): Promise<{ before: ServiceView; after: ServiceView }> {
  const before = await getService(tx, patch.id);
  const name = patch.name ?? before.name;
  if (patch.name !== undefined) await assertNameFree(tx, patch.name, before.id);
  const targets = patch.targets ?? before.targets;
  const discovery = patch.discovery === undefined ? before.discovery : patch.discovery;
  assertOneSource(name, targets, discovery);
  if (patch.settings !== undefined) assertGrpcSettings(name, patch.settings);
  const resolved = await resolveDiscovery(tx, discovery);
  const row = await tx.service.update({
    where: { id: before.id },
    data: {
      name,
      description: patch.description === undefined ? undefined : patch.description,
      targets: targets as unknown as Prisma.InputJsonValue,
      registryId: resolved.registryId,
      discovery: resolved.discovery,
      settings:
        patch.settings === undefined
          ? undefined
          : (patch.settings as unknown as Prisma.InputJsonValue),
    },
    include: WITH_REGISTRY,
  });
  return { before, after: toServiceView(row) };
}

/** Refused while APIs route to the service, naming them. */
export async function deleteService(
  tx: Prisma.TransactionClient,
  id: string,
): Promise<ServiceView> {
  const before = await getService(tx, id);
  const apis = await tx.api.findMany({
    where: { serviceId: id },
    select: { name: true },
    take: 10,
  });
  if (apis.length > 0)
    throw conflict(
      `id: service ${before.name} is used by API(s) ${apis.map((a) => a.name).join(', ')}`,
    );
  await tx.service.delete({ where: { id } });
  return before;
}
