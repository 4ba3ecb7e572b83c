import { apisRouter } from './routers/apis';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { certificatesRouter } from './routers/certificates';
import { configRouter } from './routers/config';
import { consumersRouter } from './routers/consumers';
import { credentialsRouter } from './routers/credentials';
import { dataPlanesRouter } from './routers/data-planes';
import { keysRouter } from './routers/keys';
import { plansRouter } from './routers/plans';
import { portalRouter } from './routers/portal';
import { portalAdminRouter } from './routers/portal-admin';
import { registriesRouter } from './routers/registries';
import { secretsRouter } from './routers/secrets';
import { servicesRouter } from './routers/services';
import { subscriptionsRouter } from './routers/subscriptions';
import { tokensRouter } from './routers/tokens';
import { usageRouter } from './routers/usage';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

/** Every use case of the control plane, mounted by apps/control at /trpc. */
export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  registries: registriesRouter,
  secrets: secretsRouter,
  certificates: certificatesRouter,
  services: servicesRouter,
  apis: apisRouter,
  plans: plansRouter,
  consumers: consumersRouter,
  subscriptions: subscriptionsRouter,
  keys: keysRouter,
  credentials: credentialsRouter,
  config: configRouter,
  dataPlanes: dataPlanesRouter,
  audit: auditRouter,
  usage: usageRouter,
  portal: portalRouter,
  portalAdmin: portalAdminRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a given context (tests, seeds, server-side rendering). */
export const createAppCaller = createCallerFactory(appRouter);
