// Seeds a Portico database. Idempotent: safe on every `npm run dev` and every container start.
//
//   tsx prisma/seed.ts            ensure the owner (PORTICO_BOOTSTRAP_TOKEN becomes their token)
//                                 and the machine tokens named by PORTICO_DP_TOKEN and
//                                 PORTICO_REGISTRY_TOKEN
//   tsx prisma/seed.ts --demo     also apply prisma/demo-config.yaml through config.applyDocument,
//                                 make the demo developer (PORTICO_DEMO_DEVELOPER_PASSWORD) with
//                                 their app `demo-app` subscribed to the `free` plan, and a demo
//                                 API key (written to .portico/demo-key, or demo-key in
//                                 PORTICO_DEV_STATE_DIR)
//
// Everything goes through the control plane's own procedures, so demo data is validated,
// audited and published exactly as an operator's would be.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ApiContext, bootstrapOwner, createAppCaller, hashPassword } from '@portico/api';
import { createDb, type Db } from '@portico/db';
import { newId } from '@portico/id';
import { hashSecret } from '@portico/keys';
import { parse as parseYaml } from 'yaml';

const root = join(import.meta.dirname, '..');
const DEMO_DEVELOPER_EMAIL = 'developer@demo.portico.local';
const DEMO_APP = 'demo-app';
const demo = process.argv.includes('--demo');
const env = {
  databaseUrl: required('DATABASE_URL'),
  bootstrapToken: process.env.PORTICO_BOOTSTRAP_TOKEN,
  dataPlaneToken: process.env.PORTICO_DP_TOKEN,
  registryToken: process.env.PORTICO_REGISTRY_TOKEN,
  demoPassword: process.env.PORTICO_DEMO_PASSWORD,
  demoDeveloperPassword: process.env.PORTICO_DEMO_DEVELOPER_PASSWORD,
  secretKey: process.env.PORTICO_SECRET_KEY,
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`seed: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

function context(db: Db, actor: ApiContext['actor']): ApiContext {
  return {
    db,
    actor,
    secretKey: env.secretKey ? Buffer.from(env.secretKey, 'hex') : randomBytes(32),
    sessionSigningKey: randomBytes(32),
    now: () => new Date(),
    requestId: newId('request'),
    clientIp: '127.0.0.1',
    userAgent: 'portico-seed',
    cookies: { setSession() {}, clearSession() {} },
  };
}

async function ensureOwner(db: Db): Promise<{ id: string; email: string }> {
  const anonymous = createAppCaller(context(db, null));
  const { needsSetup } = await anonymous.auth.setupStatus();
  if (needsSetup && env.demoPassword) {
    await anonymous.auth.setup({
      email: 'admin@portico.local',
      password: env.demoPassword,
      name: 'Portico admin',
    });
    console.log('seed: created owner admin@portico.local');
  } else if (needsSetup && env.bootstrapToken) {
    await bootstrapOwner(db, env.bootstrapToken);
    console.log('seed: created owner admin@portico.local from PORTICO_BOOTSTRAP_TOKEN');
  }
  const owner = await db.user.findFirst({
    where: { kind: 'operator', role: 'owner', disabledAt: null },
    orderBy: { createdAt: 'asc' },
  });
  if (!owner)
    throw new Error(
      'no owner exists and neither PORTICO_DEMO_PASSWORD nor PORTICO_BOOTSTRAP_TOKEN is set',
    );
  if (env.bootstrapToken) {
    const hash = hashSecret(env.bootstrapToken);
    if (!(await db.personalAccessToken.findUnique({ where: { hash } }))) {
      await db.personalAccessToken.create({
        data: {
          id: newId('token'),
          userId: owner.id,
          name: 'bootstrap',
          hash,
          start: env.bootstrapToken.slice(0, 12),
        },
      });
      console.log(`seed: PORTICO_BOOTSTRAP_TOKEN is a personal access token of ${owner.email}`);
    }
  }
  return { id: owner.id, email: owner.email };
}

async function ensureMachineToken(
  db: Db,
  kind: 'dataplane' | 'registry',
  clear: string | undefined,
) {
  if (!clear) return;
  const hash = hashSecret(clear);
  if (await db.machineToken.findUnique({ where: { hash } })) return;
  await db.machineToken.create({
    data: {
      id: newId('token'),
      kind,
      name: kind === 'dataplane' ? 'local gateways' : 'local services',
      scopes: kind === 'registry' ? ['register', 'read'] : [],
      hash,
      start: clear.slice(0, 12),
    },
  });
  console.log(`seed: ${kind} token registered`);
}

async function seedDemo(db: Db, owner: { id: string; email: string }) {
  const caller = createAppCaller(
    context(db, {
      kind: 'operator',
      userId: owner.id,
      email: owner.email,
      role: 'owner',
      via: 'token',
      sessionId: null,
      tokenId: null,
    }),
  );
  const document = parseYaml(readFileSync(join(root, 'prisma/demo-config.yaml'), 'utf8'));
  const result = await caller.config.applyDocument({ document, message: 'demo data' });
  console.log(
    result.published
      ? `seed: demo config published as version ${result.published.number}`
      : 'seed: demo config already in place',
  );

  const developerId = await ensureDemoDeveloper(db);
  const consumer = await ensureDemoApp(db, caller, developerId);
  await ensureSubscription(db, caller, consumer.id, 'free');

  const keyFile = join(process.env.PORTICO_DEV_STATE_DIR ?? join(root, '.portico'), 'demo-key');
  const existing = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : null;
  const live = existing
    ? await db.apiKey.findFirst({
        where: { hash: hashSecret(existing), revokedAt: null, consumerId: consumer.id },
      })
    : null;
  if (live) return;
  const issued = await caller.keys.create({ consumerId: consumer.id, name: 'demo' });
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, `${issued.clear}\n`, { mode: 0o600 });
  console.log('seed: demo API key written to .portico/demo-key');
}

/**
 * The demo developer: a verified, active developer account, as an approved portal sign-up
 * leaves it; null without a password.
 */
async function ensureDemoDeveloper(db: Db): Promise<string | null> {
  const found = await db.user.findUnique({ where: { email: DEMO_DEVELOPER_EMAIL } });
  if (found) return found.id;
  if (!env.demoDeveloperPassword) return null;
  const now = new Date();
  const user = await db.user.create({
    data: {
      id: newId('user', now.getTime()),
      email: DEMO_DEVELOPER_EMAIL,
      name: 'Demo developer',
      passwordHash: await hashPassword(env.demoDeveloperPassword),
      kind: 'developer',
      emailVerifiedAt: now,
    },
  });
  console.log(`seed: created demo developer ${DEMO_DEVELOPER_EMAIL}`);
  return user.id;
}

type Caller = ReturnType<typeof createAppCaller>;

/** `demo-app`, owned by the demo developer (an earlier operator-owned one is handed over). */
async function ensureDemoApp(db: Db, caller: Caller, ownerId: string | null) {
  const found = await db.consumer.findUnique({ where: { name: DEMO_APP } });
  if (found) {
    if (ownerId !== null && found.ownerId !== ownerId)
      await db.consumer.update({ where: { id: found.id }, data: { ownerId } });
    return found;
  }
  const created = await caller.consumers.create({
    name: DEMO_APP,
    description: "The demo developer's app; npm run dev prints its key",
    ...(ownerId !== null ? { ownerId } : {}),
  });
  console.log(`seed: created consumer ${DEMO_APP}`);
  return created;
}

/** An active subscription of the consumer to the plan, made once. */
async function ensureSubscription(db: Db, caller: Caller, consumerId: string, planName: string) {
  const plan = await db.plan.findUnique({ where: { name: planName } });
  if (!plan) throw new Error(`the demo config has no plan ${planName}`);
  const active = await db.subscription.findFirst({
    where: { consumerId, planId: plan.id, status: 'active' },
  });
  if (active) return;
  await caller.subscriptions.create({ consumerId, planId: plan.id });
  console.log(`seed: ${DEMO_APP} subscribed to ${planName}`);
}

const db = createDb({ databaseUrl: env.databaseUrl, maxConnections: 2 });
try {
  const owner = await ensureOwner(db);
  await ensureMachineToken(db, 'dataplane', env.dataPlaneToken);
  await ensureMachineToken(db, 'registry', env.registryToken);
  if (demo) await seedDemo(db, owner);
} finally {
  await db.$disconnect();
}
