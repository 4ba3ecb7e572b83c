// Demo upstreams for `npm run dev`: small HTTP services on fixed local ports that the demo
// config points at. Each answers JSON describing the request it received, so what the gateway
// forwards (path, consumer headers, forwarded headers) is visible.
import { createServer } from 'node:http';

const instances = [
  { service: 'hello', port: 9101 },
  { service: 'hello', port: 9102 },
  { service: 'orders', port: 9103 },
];

for (const { service, port } of instances) {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const body = JSON.stringify({
      service,
      instance: `127.0.0.1:${port}`,
      method: req.method,
      path: req.url,
      consumer: req.headers['x-consumer-name'] ?? null,
      plan: req.headers['x-portico-plan'] ?? null,
      requestId: req.headers['x-request-id'] ?? null,
      message: service === 'hello' ? 'Hello from Portico' : 'orders: []',
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(port, '127.0.0.1', () => console.log(`${service} listening on 127.0.0.1:${port}`));
  process.once('SIGTERM', () => server.close());
}
