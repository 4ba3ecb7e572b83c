import type { DeclarativeConfig } from '@portico/config';
import type { Prisma } from '@portico/db';
import { deferCredentialLog } from '../../sync/credential-log';
import type { AppliedChange, ApplyContext } from './declarative-apply';
import { loadDeclarativeState } from './declarative-state';
import { upsertApis } from './reconcile/reconcile-apis';
import {
  cancelUnlistedSubscriptions,
  deleteUnlistedConsumers,
  upsertConsumers,
} from './reconcile/reconcile-consumers';
import { reconcileCredentials } from './reconcile/reconcile-credentials';
import { deleteUnlistedPlans, upsertPlans } from './reconcile/reconcile-plans';
import { upsertRegistries } from './reconcile/reconcile-registries';
import { deleteUnlisted, type Run } from './reconcile/reconcile-run';
import { upsertServices } from './reconcile/reconcile-services';

/**
 * Makes the draft equal to `doc` by name, in an order that never breaks a foreign key: what
 * depends on others goes first when deleting and last when creating. Every write goes through
 * the service function the console's procedure uses, so the same rules and side effects hold.
 * Returns what it changed.
 */
export async function reconcile(
  tx: Prisma.TransactionClient,
  ctx: ApplyContext,
  doc: DeclarativeConfig,
): Promise<AppliedChange[]> {
  // The services' credential log entries are appended once per entity, at the end (see deferCredentialLog).
  const log = deferCredentialLog(tx);
  const run: Run = {
    tx,
    ctx,
    doc,
    state: await loadDeclarativeState(tx),
    changes: [],
    consumerChanged: new Set(),
    now: new Date(),
    ids: {
      registries: new Map(),
      services: new Map(),
      apis: new Map(),
      plans: new Map(),
      consumers: new Map(),
    },
  };
  await deleteUnlistedConsumers(run);
  await cancelUnlistedSubscriptions(run);
  await deleteUnlistedPlans(run);
  // APIs not in the file go (routes and plan links cascade).
  await deleteUnlisted(run, 'api');
  await upsertRegistries(run);
  await upsertServices(run);
  await upsertApis(run);
  // Services, then registries, that nothing in the file uses any more go.
  await deleteUnlisted(run, 'service');
  await deleteUnlisted(run, 'registry');
  await upsertPlans(run);
  await upsertConsumers(run);
  await reconcileCredentials(run);
  await log.flush();
  return run.changes;
}
