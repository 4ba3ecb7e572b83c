import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/** The service behind the gateway: answers every request with JSON naming what it received. */
export async function startUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ upstream: 'e2e', method: request.method, path: request.url }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
