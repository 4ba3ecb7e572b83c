import type { Prisma } from '@portico/db';
import { badRequest } from '../shared/domain-errors';

/**
 * What the portal lists is stored on the entities the console already edits: an API is listed
 * when its visibility is `public`, a plan when `public` is true. Private APIs and unlisted plans
 * never reach developers (catalogue, plan comparison, subscribing).
 */
export interface Listing {
  listedApiIds: string[];
  listedPlanIds: string[];
}

export async function readListing(tx: Prisma.TransactionClient): Promise<Listing> {
  const [apis, plans] = await Promise.all([
    tx.api.findMany({
      where: { visibility: 'public' },
      select: { id: true },
      orderBy: { name: 'asc' },
    }),
    tx.plan.findMany({ where: { public: true }, select: { id: true }, orderBy: { name: 'asc' } }),
  ]);
  return { listedApiIds: apis.map((a) => a.id), listedPlanIds: plans.map((p) => p.id) };
}

async function assertAllExist(
  found: { id: string }[],
  wanted: string[],
  field: string,
  what: string,
): Promise<void> {
  const known = new Set(found.map((f) => f.id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length > 0) throw badRequest(`${field}: no ${what} with id ${missing.join(', ')}`);
}

/** Lists exactly the APIs and/or plans given (the others become unlisted). */
export async function writeListing(
  tx: Prisma.TransactionClient,
  patch: { listedApiIds?: string[] | undefined; listedPlanIds?: string[] | undefined },
): Promise<{ before: Listing; after: Listing }> {
  const before = await readListing(tx);
  if (patch.listedApiIds) {
    const ids = [...new Set(patch.listedApiIds)];
    await assertAllExist(
      await tx.api.findMany({ where: { id: { in: ids } }, select: { id: true } }),
      ids,
      'listedApiIds',
      'API',
    );
    await tx.api.updateMany({
      where: { id: { in: ids }, visibility: 'private' },
      data: { visibility: 'public' },
    });
    await tx.api.updateMany({
      where: { id: { notIn: ids }, visibility: 'public' },
      data: { visibility: 'private' },
    });
  }
  if (patch.listedPlanIds) {
    const ids = [...new Set(patch.listedPlanIds)];
    await assertAllExist(
      await tx.plan.findMany({ where: { id: { in: ids } }, select: { id: true } }),
      ids,
      'listedPlanIds',
      'plan',
    );
    await tx.plan.updateMany({ where: { id: { in: ids }, public: false }, data: { public: true } });
    await tx.plan.updateMany({
      where: { id: { notIn: ids }, public: true },
      data: { public: false },
    });
  }
  return { before, after: await readListing(tx) };
}
