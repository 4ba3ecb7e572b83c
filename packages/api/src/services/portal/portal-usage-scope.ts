import type { Db } from '@portico/db';
import { PorticoError } from '../shared/domain-errors';

/** Gateway error codes that answer 429 (rate limit and quota), counted as "throttled". */
export const THROTTLED_ERROR_CODES = ['GW_RATE_LIMITED', 'GW_QUOTA_EXCEEDED'] as const;

/**
 * The consumers a developer's usage query reads: all their apps, or the one asked for. An app or
 * key that is not theirs is NOT_FOUND, like one that does not exist, so usage cannot be used to
 * probe other developers' ids (the shared services would merely answer zeros).
 */
export async function resolvePortalUsageScope(
  db: Db,
  ownerId: string,
  requested: { appId?: string | undefined; keyId?: string | undefined },
): Promise<string[]> {
  const own = await db.consumer.findMany({ where: { ownerId }, select: { id: true } });
  const ids = own.map((c) => c.id);
  if (requested.appId !== undefined && !ids.includes(requested.appId))
    throw new PorticoError('CTL_NOT_FOUND', `appId: no app with id ${requested.appId}`);
  if (requested.keyId !== undefined) {
    const key = await db.apiKey.findUnique({
      where: { id: requested.keyId },
      select: { consumerId: true },
    });
    const scope = requested.appId !== undefined ? [requested.appId] : ids;
    if (!key || !scope.includes(key.consumerId))
      throw new PorticoError('CTL_NOT_FOUND', `keyId: no key with id ${requested.keyId}`);
  }
  return requested.appId !== undefined ? [requested.appId] : ids;
}

/** What a developer's usage query asks the shared usage services: their filter, and the scope. */
export interface PortalUsageQuery {
  filter: {
    consumerId?: string | undefined;
    keyId?: string | undefined;
    apiId?: string | undefined;
  };
  scope: string[];
}

/** A developer's usage query resolved: its scope, and the portal's `appId` as a consumer filter. */
export async function resolvePortalUsageQuery(
  db: Db,
  ownerId: string,
  requested: { appId?: string | undefined; keyId?: string | undefined; apiId?: string | undefined },
): Promise<PortalUsageQuery> {
  const scope = await resolvePortalUsageScope(db, ownerId, requested);
  return {
    filter: { consumerId: requested.appId, keyId: requested.keyId, apiId: requested.apiId },
    scope,
  };
}
