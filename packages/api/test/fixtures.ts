import type { Db } from '@portico/db';
import { newId } from '@portico/id';
import { generateSecret, hashSecret } from '@portico/keys';
import { uniqueName } from './harness';

/** A fresh secret of `kind`: the columns its row stores (named `fixture`) and the clear value. */
function fixtureSecret(kind: Parameters<typeof generateSecret>[0]) {
  const secret = generateSecret(kind);
  return {
    columns: { name: 'fixture', start: secret.start, hash: secret.hash },
    clear: secret.clear,
  };
}

/**
 * Rows written straight into the database, so each case of a test starts from its own fresh
 * entities without depending on the procedures under test.
 */
export function fixtures(db: Db) {
  return {
    async registry(name = uniqueName('reg')) {
      return db.registryConnection.create({
        data: {
          id: newId('registry'),
          name,
          type: 'consul',
          address: 'http://127.0.0.1:1',
          options: {},
        },
      });
    },
    async service(name = uniqueName('svc')) {
      return db.service.create({
        data: {
          id: newId('service'),
          name,
          targets: [{ host: '127.0.0.1', port: 9000, weight: 100 }],
          settings: {},
        },
      });
    },
    async api(serviceId: string, name = uniqueName('api')) {
      return db.api.create({
        data: {
          id: newId('api'),
          name,
          slug: name,
          basePath: `/${name}`,
          hosts: [],
          serviceId,
          auth: { type: 'key' },
          policies: {},
        },
      });
    },
    async plan(options: { approvalRequired?: boolean; public?: boolean } = {}) {
      return db.plan.create({
        data: {
          id: newId('plan'),
          name: uniqueName('plan'),
          approvalRequired: options.approvalRequired ?? false,
          public: options.public ?? true,
        },
      });
    },
    async consumer(ownerId: string | null = null, status: 'active' | 'suspended' = 'active') {
      return db.consumer.create({
        data: { id: newId('consumer'), name: uniqueName('con'), ownerId, status },
      });
    },
    async subscription(
      consumerId: string,
      planId: string,
      status: 'pending' | 'active' | 'cancelled' = 'active',
    ) {
      return db.subscription.create({
        data: { id: newId('subscription'), consumerId, planId, status },
      });
    },
    async key(consumerId: string) {
      const { columns, clear } = fixtureSecret('apiKey');
      const row = await db.apiKey.create({ data: { id: newId('key'), consumerId, ...columns } });
      return { row, clear };
    },
    async operator(role: 'owner' | 'admin' | 'editor' | 'viewer') {
      return db.user.create({
        data: {
          id: newId('user'),
          email: `${uniqueName(role)}@example.test`,
          name: role,
          passwordHash: 'x',
          kind: 'operator',
          role,
        },
      });
    },
    async invite(role: 'admin' | 'editor' | 'viewer' = 'editor') {
      const token = `inv_${uniqueName('token')}`;
      const invite = await db.invite.create({
        data: {
          id: newId('invite'),
          email: `${uniqueName('invitee')}@example.test`,
          role,
          hash: hashSecret(token),
          invitedBy: 'usr_fixture',
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
      return { invite, token };
    },
    async personalToken(userId: string) {
      const { columns, clear } = fixtureSecret('personalToken');
      const row = await db.personalAccessToken.create({
        data: { id: newId('token'), userId, ...columns },
      });
      return { row, clear };
    },
    async machineToken() {
      const { columns } = fixtureSecret('dataPlaneToken');
      return db.machineToken.create({
        data: { id: newId('token'), kind: 'dataplane', scopes: [], ...columns },
      });
    },
  };
}

export type Fixtures = ReturnType<typeof fixtures>;
