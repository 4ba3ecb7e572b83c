import { bootstrapOwner, loggingMailer, SignInThrottle, smtpMailer } from '@portico/api';
import {
  limiterKeyPrefixOf,
  queuePrefixOf,
  redisPrefixForDatabase,
  registryKeyPrefixOf,
} from '@portico/config';
import { connectRedis, redisConnectionSettings } from '@portico/config/redis';
import { createDb } from '@portico/db';
import { createChangeFeed } from './dp/change-feed';
import { startCredentialLogPruner } from './dp/credential-log-pruner';
import { EnvError, loadControlEnv } from './env';
import { buildControlServer } from './server';
import { redisAnalyticsPipelineReader } from './usage/analytics-pipeline-reader';

/** How long in-flight requests (long-polls included) may take to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let env: ReturnType<typeof loadControlEnv>;
  try {
    env = loadControlEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`portico control: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  const db = createDb({ databaseUrl: env.DATABASE_URL });
  const changeFeed = createChangeFeed(env.DATABASE_URL, {
    onError: (error) => console.error('portico control: change feed error', error),
  });
  const credentialLogPruner = startCredentialLogPruner({
    db,
    onPruned: (deleted) => console.log(`portico control: pruned ${deleted} credential log entries`),
    onError: (error) => console.error('portico control: credential log pruning failed', error),
  });
  const redisSettings = redisConnectionSettings(env);
  const redis = redisSettings ? connectRedis(redisSettings, { maxRetriesPerRequest: 2 }) : null;
  // One prefix for everything this deployment keeps in Redis; gateways learn it from /dp/v1.
  const redisPrefix = env.PORTICO_REDIS_PREFIX ?? redisPrefixForDatabase(env.DATABASE_URL);
  const analyticsPipeline = redis
    ? redisAnalyticsPipelineReader({
        redis,
        queuePrefix: env.PORTICO_QUEUE_PREFIX ?? queuePrefixOf(redisPrefix),
        maxQueueBacklog: env.PORTICO_ANALYTICS_MAX_QUEUE_BACKLOG,
        memoryShedRatio: env.PORTICO_ANALYTICS_REDIS_MEMORY_SHED_RATIO,
      })
    : null;

  if (env.PORTICO_BOOTSTRAP_TOKEN) {
    const outcome = await bootstrapOwner(db, env.PORTICO_BOOTSTRAP_TOKEN);
    console.log(
      outcome === 'created'
        ? 'portico control: created owner admin@portico.local; PORTICO_BOOTSTRAP_TOKEN is its personal access token'
        : 'portico control: operators exist; PORTICO_BOOTSTRAP_TOKEN ignored',
    );
  }

  const mailer = env.PORTICO_SMTP_URL
    ? smtpMailer({
        url: env.PORTICO_SMTP_URL,
        from: env.PORTICO_MAIL_FROM,
        onError: (error, message) =>
          console.error(`portico control: mail to ${message.to} not sent`, error),
      })
    : // Development: the link is printed so a local sign-up can be completed without SMTP.
      loggingMailer((line) => console.log(`portico control: ${line}`));

  const app = await buildControlServer({
    db,
    secretKey: Buffer.from(env.PORTICO_SECRET_KEY, 'hex'),
    sessionSigningKey: new TextEncoder().encode(env.PORTICO_SESSION_SECRET),
    consoleOrigins: env.PORTICO_CONSOLE_ORIGINS,
    portalOrigins: env.PORTICO_PORTAL_ORIGINS,
    portalUrl: env.PORTICO_PORTAL_URL,
    mailer,
    cookieSecure: env.PORTICO_COOKIE_SECURE,
    trustedProxies: env.PORTICO_CONTROL_TRUSTED_PROXIES,
    changeFeed,
    redis,
    redisPrefix,
    registryKeyPrefix: registryKeyPrefixOf(redisPrefix),
    limiterKeyPrefix: limiterKeyPrefixOf(redisPrefix),
    ...(analyticsPipeline ? { analyticsPipeline } : {}),
    logger: { level: env.PORTICO_LOG_LEVEL },
    // In memory, per process: see sign-in-throttle.ts for why that is enough.
    signInThrottle: new SignInThrottle(),
  });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    deadline.unref();
    try {
      credentialLogPruner.stop();
      await app.close();
      await changeFeed.close();
      await analyticsPipeline?.close();
      if (redis) await redis.quit();
      await db.$disconnect();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: env.PORTICO_CONTROL_PORT, host: env.PORTICO_CONTROL_HOST });
}

main().catch((error: unknown) => {
  console.error('portico control: failed to start', error);
  process.exit(1);
});
