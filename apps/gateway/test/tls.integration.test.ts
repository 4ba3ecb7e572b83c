import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PeerCertificate, connect as tlsConnect } from 'node:tls';
import {
  type CertificateFolder,
  type CertificatePair,
  http2RequestOnLoopback,
  httpsRequestOnLoopback,
  makeCertificateFolder,
  peerCertificate as peerCertificateAt,
} from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions, WebSocketServer } from 'ws';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import {
  apiOf,
  type EchoBody,
  eventually,
  listenOnTls,
  published,
  startGateway,
  type Upstream,
} from './harness';

type Pair = CertificatePair;

let certificates: CertificateFolder;
let upstream: Upstream;
let gw: GatewayWithUpstream;
let tlsPort: number;
let pairA: Pair;
let pairB: Pair;
let version = 0;

type ServedCertificate = { id: string; hosts: string[]; pair: Pair };

/** The APIs of a.test and b.test in front of the echo upstream, serving `certs` in this order. */
function certificateSnapshot(upstream: { port: number }, certs: ServedCertificate[]) {
  return {
    services: [loopbackService('echo', [upstream])],
    apis: [
      apiOf('on-a', '/', 'echo', { hosts: ['a.test'] }),
      apiOf('on-b', '/', 'echo', { hosts: ['b.test'] }),
    ],
    ...(certs.length === 0
      ? {}
      : {
          certificates: certs.map((c) => ({
            id: c.id,
            name: c.id,
            hosts: c.hosts,
            certPem: c.pair.certPem,
            keyFingerprint: c.pair.keyPem.length.toString(16),
          })),
        }),
  };
}

/** Feeds a new config version serving `certs` (in this order) in front of the echo upstream. */
async function feedCertificates(certs: ServedCertificate[]) {
  version += 1;
  const config = published(version, certificateSnapshot(upstream, certs));
  const applied = await gw.feed({
    ...config,
    secrets: {
      ...config.secrets,
      tlsKeys: Object.fromEntries(certs.map((c) => [c.id, c.pair.keyPem])),
    },
  });
  expect(applied).toBe(true);
  expect(gw.gateway.runtime.current.config?.version).toBe(version);
}

function peerCertificate(servername: string | undefined): Promise<PeerCertificate> {
  return peerCertificateAt(tlsPort, servername);
}

/** One request over HTTP/2 (ALPN h2), trusting `ca`, answered by the echo upstream. */
function http2Get(servername: string, path: string, ca: string) {
  return http2RequestOnLoopback(tlsPort, { path, servername, ca });
}

/** One request over HTTP/1.1 on the TLS listener, trusting `ca`. */
function https1Get(servername: string, path: string, ca: string) {
  return httpsRequestOnLoopback(tlsPort, {
    path,
    servername,
    ca,
    headers: { host: servername },
    alpnProtocols: ['http/1.1'],
  });
}

beforeAll(async () => {
  certificates = makeCertificateFolder('tls-listener');
  pairA = certificates.serverPair('a.test', 'DNS:a.test');
  pairB = certificates.serverPair('b.test', 'DNS:b.test');
  // Version 1 serves no certificate yet; each test feeds the next version with its own.
  gw = await startGatewayWithUpstream({ snapshot: (echo) => certificateSnapshot(echo, []) });
  version = 1;
  upstream = gw.upstream;
  tlsPort = await listenOnTls(gw);
});
afterAll(async () => {
  await gw?.close();
  certificates?.remove();
});

describe('TLS proxy listener', () => {
  it('refuses handshakes while no certificate is configured', async () => {
    await feedCertificates([]);
    await expect(peerCertificate('a.test')).rejects.toThrow();
    await expect(peerCertificate(undefined)).rejects.toThrow();
  });

  it('serves the certificate SNI names: a.test gets its own, b.test its own, others the first', async () => {
    await feedCertificates([
      { id: 'crt_a', hosts: ['a.test'], pair: pairA },
      { id: 'crt_b', hosts: ['b.test'], pair: pairB },
    ]);
    expect((await peerCertificate('a.test')).subject.CN).toBe('a.test');
    expect((await peerCertificate('b.test')).subject.CN).toBe('b.test');
    expect((await peerCertificate('unknown.test')).subject.CN).toBe('a.test');
    expect((await peerCertificate(undefined)).subject.CN).toBe('a.test');
  });

  it('matches a wildcard host for exactly one label, after exact names', async () => {
    const wild = certificates.serverPair('wild.test', 'DNS:*.wild.test');
    await feedCertificates([
      { id: 'crt_a', hosts: ['a.test'], pair: pairA },
      { id: 'crt_w', hosts: ['*.wild.test'], pair: wild },
    ]);
    expect((await peerCertificate('x.wild.test')).subject.CN).toBe('wild.test');
    expect((await peerCertificate('x.y.wild.test')).subject.CN).toBe('a.test');
  });

  it('proxies HTTP/2 (ALPN h2) to the upstream by :authority and streams the answer back', async () => {
    await feedCertificates([
      { id: 'crt_a', hosts: ['a.test'], pair: pairA },
      { id: 'crt_b', hosts: ['b.test'], pair: pairB },
    ]);
    const res = await http2Get('b.test', '/orders/7?x=1', pairB.certPem);
    expect(res.alpn).toBe('h2');
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBeUndefined();
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    const echoed = JSON.parse(res.body) as EchoBody;
    expect(echoed.url).toBe('/orders/7?x=1');
    expect(echoed.method).toBe('GET');
    expect(echoed.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(echoed.headers['x-forwarded-host']).toBe(`b.test:${tlsPort}`);
    expect(echoed.headers['x-forwarded-proto']).toBe('https');
    expect(Object.keys(echoed.headers).filter((name) => name.startsWith(':'))).toEqual([]);
  });

  it('streams an HTTP/2 request body without content-length to the upstream', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const session = http2Connect(`https://127.0.0.1:${tlsPort}`, {
        ca: pairA.certPem,
        servername: 'a.test',
      });
      session.once('error', reject);
      const stream = session.request({
        ':path': '/upload',
        ':method': 'POST',
        ':authority': 'a.test',
      });
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('error', reject);
      stream.on('end', () => {
        session.close();
        resolve(Buffer.concat(chunks).toString());
      });
      stream.write('first part, ');
      setImmediate(() => stream.end('second part'));
    });
    const echoed = JSON.parse(body) as EchoBody;
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toBe('first part, second part');
  });

  it('answers gateway errors over HTTP/2 as problem+json', async () => {
    const res = await http2Get('a.test', '/../../etc', pairA.certPem);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
  });

  it('proxies HTTP/1.1 over TLS on the same listener', async () => {
    const res = await https1Get('a.test', '/hello', pairA.certPem);
    expect(res.alpn).toBe('http/1.1');
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as EchoBody).url).toBe('/hello');
  });

  it('answers a request smuggling shape over TLS with problem+json 400', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: tlsPort,
        servername: 'a.test',
        ca: pairA.certPem,
        ALPNProtocols: ['http/1.1'],
      });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.once('error', reject);
      socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.once('secureConnect', () =>
        socket.write(
          'POST /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        ),
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('application/problem+json');
  });

  it('upgrades WebSockets over TLS (HTTP/1.1) and relays frames', async () => {
    const wss = new WebSocketServer({ server: upstream.server });
    wss.on('connection', (socket, req) =>
      socket.on('message', (data) => socket.send(`echo:${data.toString()}:${req.url}`)),
    );
    try {
      // ws passes TLS connection options (servername for SNI) through to tls.connect.
      const options: ClientOptions & { servername: string } = {
        servername: 'a.test',
        ca: pairA.certPem,
        headers: { host: 'a.test' },
      };
      const client = new WebSocket(`wss://127.0.0.1:${tlsPort}/chat`, options);
      await once(client, 'open');
      client.send('hi');
      const [reply] = await once(client, 'message');
      expect(String(reply)).toBe('echo:hi:/chat');
      client.close();
    } finally {
      wss.close();
    }
  });

  it('serves a certificate rotated through a new config version without a restart', async () => {
    const server = gw.gateway.tlsProxy.server;
    const before = await peerCertificate('a.test');
    const rotated = certificates.serverPair('a.test', 'DNS:a.test');
    await feedCertificates([
      { id: 'crt_a', hosts: ['a.test'], pair: rotated },
      { id: 'crt_b', hosts: ['b.test'], pair: pairB },
    ]);
    const after = await peerCertificate('a.test');
    expect(after.fingerprint256).not.toBe(before.fingerprint256);
    expect(after.fingerprint256).toBe(
      new (await import('node:crypto')).X509Certificate(rotated.certPem).fingerprint256,
    );
    // Same listener object, still listening on the same port: no restart happened.
    expect(gw.gateway.tlsProxy.server).toBe(server);
    expect((server.address() as AddressInfo).port).toBe(tlsPort);
    const res = await http2Get('a.test', '/after-rotation', rotated.certPem);
    expect(res.status).toBe(200);
  });

  it('a gateway booting from its last-known-good state serves the saved certificate with the control plane down', async () => {
    const expected = gw.gateway.runtime.current.config;
    const file = join(gw.stateDir, 'last-known-good.json');
    await eventually(
      async () =>
        existsSync(file) &&
        (JSON.parse(readFileSync(file, 'utf8')) as { payload: string }).payload.includes(
          `"version":${version},`,
        ),
      5000,
      'the latest version saved',
    );
    const copy = mkdtempSync(join(tmpdir(), 'portico-tls-lkg-'));
    cpSync(file, join(copy, 'last-known-good.json'));
    const rebooted = await startGateway({ stateDir: copy });
    try {
      expect(rebooted.gateway.runtime.current.config?.hash).toBe(expected?.hash);
      await new Promise<void>((resolve) =>
        rebooted.gateway.tlsProxy.server.listen(0, '127.0.0.1', () => resolve()),
      );
      const port = (rebooted.gateway.tlsProxy.server.address() as AddressInfo).port;
      const served = await peerCertificateAt(port, 'a.test');
      expect(served.fingerprint256).toBe((await peerCertificate('a.test')).fingerprint256);
    } finally {
      await rebooted.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('skips a certificate whose key does not match it, serving the others', async () => {
    await feedCertificates([
      { id: 'crt_a', hosts: ['a.test'], pair: { certPem: pairA.certPem, keyPem: pairB.keyPem } },
      { id: 'crt_b', hosts: ['b.test'], pair: pairB },
    ]);
    expect(gw.gateway.tlsProxy.certificates().skipped).toEqual([
      expect.stringContaining('certificate crt_a'),
    ]);
    expect((await peerCertificate('b.test')).subject.CN).toBe('b.test');
    expect((await peerCertificate('a.test')).subject.CN).toBe('b.test');
  });
});
