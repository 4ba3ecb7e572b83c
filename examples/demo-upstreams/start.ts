// Demo upstreams for `npm run dev`: two services (`orders`, `payments`), two instances each, every
// one registering itself with Portico's built-in registry through @portico/register (heartbeats,
// deregistration on stop), so the gateway finds them without any config naming their ports.
// Each answers JSON describing the request it received, so what the gateway forwards (path,
// consumer headers, request id) is visible. Now and then one payments instance stops serving for
// a while and comes back (its registration stays, as a hung process's would): the gateway's
// health checks take it out of rotation and back, and calls keep succeeding on the other one.
//
// Settings: PORTICO_CONTROL_URL, PORTICO_REGISTRY_TOKEN, PORTICO_DEMO_RESTART_SECONDS (how often
// an instance restarts; 0 turns it off; default 120).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Registration, register } from '@portico/register';

const controlUrl = process.env.PORTICO_CONTROL_URL ?? 'http://127.0.0.1:4000';
const registryToken = process.env.PORTICO_REGISTRY_TOKEN;
const restartSeconds = Number(process.env.PORTICO_DEMO_RESTART_SECONDS ?? 120);
/** How long a restarting instance stays away. */
const DOWN_MS = 15_000;

interface DemoInstance {
  service: 'orders' | 'payments';
  id: string;
  server: Server | null;
  registration: Registration | null;
  port: number;
}

const instances: DemoInstance[] = ['orders', 'payments'].flatMap((service) =>
  [1, 2].map((n) => ({
    service: service as DemoInstance['service'],
    id: `${service}-${n}`,
    server: null,
    registration: null,
    port: 0,
  })),
);

function answer(instance: DemoInstance, method: string, path: string): unknown {
  if (instance.service === 'orders') {
    return method === 'POST'
      ? { id: `ord_${Date.now().toString(36)}`, status: 'created' }
      : {
          orders: [
            { id: 'ord_1001', item: 'coffee beans', quantity: 2, status: 'shipped' },
            { id: 'ord_1002', item: 'grinder', quantity: 1, status: 'pending' },
          ],
        };
  }
  return path.includes('refund')
    ? { refunds: [] }
    : { charges: [{ id: 'ch_2001', amount: 1299, currency: 'EUR', status: 'succeeded' }] };
}

async function start(instance: DemoInstance): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const body = JSON.stringify({
      service: instance.service,
      instance: instance.id,
      method: req.method,
      path: req.url,
      consumer: req.headers['x-consumer-name'] ?? null,
      plan: req.headers['x-portico-plan'] ?? null,
      requestId: req.headers['x-request-id'] ?? null,
      data: answer(instance, req.method ?? 'GET', req.url ?? '/'),
    });
    // A little latency, different per service, so the charts have a shape.
    const delayMs = (instance.service === 'orders' ? 5 : 20) + Math.floor(Math.random() * 30);
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), delayMs);
  });
  // The same port across restarts, so the instance comes back as itself.
  await new Promise<void>((resolve) => server.listen(instance.port, '127.0.0.1', resolve));
  instance.port = (server.address() as AddressInfo).port;
  instance.server = server;
  if (!registryToken || instance.registration) return;
  let reported = false;
  instance.registration = await register({
    controlUrl,
    token: registryToken,
    service: instance.service,
    instanceId: instance.id,
    address: '127.0.0.1',
    port: instance.port,
    ttlSeconds: 6,
    metadata: { demo: 'true' },
    handleSignals: false,
    // The control plane may still be starting: say so once, not on every retry.
    onError: (message) => {
      if (reported) return;
      reported = true;
      console.warn(`${instance.id}: not registered yet (${message}); retrying`);
    },
  });
  console.log(`${instance.id} listening on 127.0.0.1:${instance.port}, registered`);
}

/** Stops serving; `deregister` also leaves the registry (a clean shutdown). */
async function stop(instance: DemoInstance, deregister: boolean): Promise<void> {
  if (deregister) {
    await instance.registration?.deregister();
    instance.registration = null;
  }
  const server = instance.server;
  instance.server = null;
  if (server) {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }
}

await Promise.all(instances.map(start));
console.log('all demo instances registered');

if (restartSeconds > 0) {
  const flaky = instances.find((i) => i.id === 'payments-2');
  setInterval(async () => {
    if (!flaky?.server) return;
    console.log(`${flaky.id} stops serving for ${DOWN_MS / 1000} s: watch its health`);
    await stop(flaky, false);
    setTimeout(() => {
      void start(flaky).then(() => console.log(`${flaky.id} serving again`));
    }, DOWN_MS);
  }, restartSeconds * 1000).unref();
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(instances.map((i) => stop(i, true)));
    process.exit(0);
  });
}
