import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRedisPrefix } from './redis-prefix';

const dirs: string[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-prefix-'));
  dirs.push(dir);
  return dir;
}

/** A control plane stand-in answering /dp/v1/deployment with `body` to the right token only. */
async function control(status: number, body: unknown): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url !== '/dp/v1/deployment' || req.headers.authorization !== 'Bearer pdp_ok') {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('resolveRedisPrefix', () => {
  it('prefers PORTICO_REDIS_PREFIX, then the control plane (saved), then the saved one, then portico', async () => {
    const dir = await stateDir();
    const controlUrl = await control(200, { redisPrefix: 'portico:stack_one' });
    const base = { controlUrl, token: 'pdp_ok', stateDir: dir };
    expect(await resolveRedisPrefix({ ...base, configured: 'edge' })).toEqual({
      prefix: 'edge',
      source: 'env',
    });
    expect(await resolveRedisPrefix({ ...base, configured: undefined })).toEqual({
      prefix: 'portico:stack_one',
      source: 'control',
    });
    // The control plane is down: the last answer, kept in the state folder.
    const down = { ...base, controlUrl: 'http://127.0.0.1:9', configured: undefined };
    expect(await resolveRedisPrefix(down)).toEqual({
      prefix: 'portico:stack_one',
      source: 'saved',
    });
    expect(await resolveRedisPrefix({ ...down, stateDir: await stateDir() })).toEqual({
      prefix: 'portico',
      source: 'default',
    });
  });

  it('waits for a control plane that is not up yet on a first boot, when asked to', async () => {
    const dir = await stateDir();
    const controlUrl = await control(200, { redisPrefix: 'portico:late' });
    const port = Number(new URL(controlUrl).port);
    // Not listening at first: the control plane comes up after a few retries.
    const server = servers[0] as Server;
    server.close();
    await once(server, 'close');
    let waiting = 0;
    const resolving = resolveRedisPrefix({
      configured: undefined,
      controlUrl,
      token: 'pdp_ok',
      stateDir: dir,
      waitForControl: true,
      retryMs: 50,
      onWaiting: () => {
        waiting += 1;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.listen(port, '127.0.0.1');
    expect(await resolving).toEqual({ prefix: 'portico:late', source: 'control' });
    expect(waiting).toBe(1);
  });

  it('ignores a refused token or a malformed answer and saves nothing', async () => {
    const dir = await stateDir();
    const answers = [
      { answer: { redisPrefix: 'portico:x' }, token: 'pdp_wrong' },
      { answer: { redisPrefix: 'has{brace}' }, token: 'pdp_ok' },
    ];
    for (const { answer, token } of answers) {
      const controlUrl = await control(200, answer);
      expect(
        await resolveRedisPrefix({ configured: undefined, controlUrl, token, stateDir: dir }),
      ).toEqual({ prefix: 'portico', source: 'default' });
    }
  });
});
