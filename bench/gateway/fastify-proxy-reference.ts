/**
 * The Node reference for the gateway bench: bare Fastify with @fastify/http-proxy in front of the
 * bench upstream, no auth, no limits, no analytics — what a Node proxy costs before any API
 * management. Forks `workers` processes sharing the listening socket, as the gateway does.
 *
 *   node --import tsx bench/gateway/fastify-proxy-reference.ts <port> <upstreamPort> <workers>
 */
import cluster from 'node:cluster';
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const [port = 0, upstreamPort = 0, workers = 1] = process.argv.slice(2).map(Number);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream: `http://127.0.0.1:${upstreamPort}` });
  await app.listen({ host: '127.0.0.1', port });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
