// The dev stack needs a Redis (limits, analytics queues, the built-in registry). None is started
// behind the user's back: when none answers, say exactly how to start one.
import { redisAnswers } from './net.mjs';

export async function requireRedis(redisUrl, fail) {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await redisAnswers(host, port)) return;
  fail(
    [
      `no Redis answers on ${host}:${port} (REDIS_URL=${redisUrl}). Start one, then run npm run dev again:`,
      `  redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no   (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)`,
      `  or: docker compose up -d redis`,
      '  or point REDIS_URL (environment or .portico/dev.env) at a Redis you have.',
    ].join('\n'),
  );
}
