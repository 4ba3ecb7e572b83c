// Demo upstreams for `npm run dev`. The `hello` instances register themselves with Portico's
// built-in registry through @portico/register (heartbeats, deregistration on SIGTERM), so the
// gateway finds them without any config naming their ports; `orders` is a static target.
// Each answers JSON describing the request it received, so what the gateway forwards
// (path, consumer headers, request id) is visible.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from '@portico/register';

const controlUrl = process.env.PORTICO_CONTROL_URL ?? 'http://127.0.0.1:4000';
const registryToken = process.env.PORTICO_REGISTRY_TOKEN;

const instances = [
  { service: 'hello', port: 0, register: true },
  { service: 'hello', port: 0, register: true },
  { service: 'orders', port: 9103, register: false },
];

for (const instance of instances) {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify({
      service: instance.service,
      instance: `127.0.0.1:${port}`,
      method: req.method,
      path: req.url,
      consumer: req.headers['x-consumer-name'] ?? null,
      plan: req.headers['x-portico-plan'] ?? null,
      requestId: req.headers['x-request-id'] ?? null,
      message: instance.service === 'hello' ? 'Hello from Portico' : 'orders: []',
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(instance.port, '127.0.0.1', async () => {
    const { port } = server.address() as AddressInfo;
    console.log(`${instance.service} listening on 127.0.0.1:${port}`);
    if (instance.register && registryToken) {
      const registration = await register({
        controlUrl,
        token: registryToken,
        service: instance.service,
        address: '127.0.0.1',
        port,
        metadata: { demo: 'true' },
      });
      console.log(`${instance.service} registered as ${registration.instanceId}`);
    }
  });
  process.once('SIGTERM', () => server.close());
}
