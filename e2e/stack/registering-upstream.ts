/**
 * A service instance as its own process: answers every request with its instance id and
 * registers itself with the control plane's built-in registry through @portico/register, as a
 * real service would. Settings arrive as one JSON argument. Prints one line once registered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from '@portico/register';

const settings = JSON.parse(process.argv[2] ?? '{}') as {
  controlUrl: string;
  token: string;
  service: string;
  instanceId: string;
};

const server = createServer((req, res) => {
  req.resume();
  const body = JSON.stringify({ instance: settings.instanceId, path: req.url });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  await register({ ...settings, address: '127.0.0.1', port, ttlSeconds: 5 });
  process.stdout.write(`registered ${settings.instanceId} on ${port}\n`);
});
