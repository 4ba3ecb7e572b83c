/**
 * What the auth bench's signature and mTLS rows need, made fresh per run: an hmac secret and an
 * Ed25519 key pair registered to the bench consumer, a client CA and a client certificate
 * registered by fingerprint, a listener certificate for `bench.test`, and the two APIs on the
 * bench service (`/signed` with signature auth, `/mtls` with mtls auth).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  type IssuedCertificate,
  issueClientCertificate,
  makeCertificateAuthority,
  makeCertificatePair,
} from '@portico/testkit';
import { writeSignaturePool, writeSignedScript } from './signed-load';
import { tlsLoad } from './tls-load';
import { parseWrk, type WrkResult, wrkArgs } from './wrk';

export interface AuthBenchCredentials {
  hmac: { keyid: string; secret: Buffer };
  ed25519: { keyid: string; privateKey: KeyObject };
  client: IssuedCertificate;
  serverCertPem: string;
  extraApis: { id: string }[];
  credentials: object[];
  certificates: object[];
  tlsKeys: Record<string, string>;
}

export function authBenchCredentials(dir: string): AuthBenchCredentials {
  const secret = randomBytes(32);
  const ed = generateKeyPairSync('ed25519');
  const ca = makeCertificateAuthority(dir, 'Bench Client CA');
  const client = issueClientCertificate(dir, ca, '/O=Bench/CN=bench-client');
  const server = makeCertificatePair(dir, 'bench.test', 'DNS:bench.test');
  const fingerprint = new X509Certificate(client.certPem).fingerprint256
    .replaceAll(':', '')
    .toLowerCase();
  const credential = (id: string, kind: string, identifier: string, verifier: string | null) => ({
    id,
    consumerId: 'con_bench',
    kind,
    identifier,
    verifier,
    matchBy: kind === 'mtls' ? 'fingerprint' : null,
    expiresAt: null,
  });
  return {
    hmac: { keyid: 'bench-hmac', secret },
    ed25519: { keyid: 'bench-ed25519', privateKey: ed.privateKey },
    client,
    serverCertPem: server.certPem,
    extraApis: [
      {
        id: 'api_signed',
        name: 'signed-api',
        slug: 'signed',
        basePath: '/signed',
        serviceId: 'svc_bench',
        // Signatures are pooled before the run, so they must stay valid for its length.
        auth: { type: 'signature', maxAgeSeconds: 3600 },
        routes: [],
      } as { id: string },
      {
        id: 'api_mtls',
        name: 'mtls-api',
        slug: 'mtls',
        basePath: '/mtls',
        serviceId: 'svc_bench',
        auth: { type: 'mtls', caCertificates: [ca.certPem] },
        routes: [],
      } as { id: string },
    ],
    credentials: [
      credential('cred_bench_hmac', 'hmac', 'bench-hmac', secret.toString('base64')),
      credential(
        'cred_bench_ed25519',
        'ed25519',
        'bench-ed25519',
        ed.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      ),
      credential('cred_bench_mtls', 'mtls', fingerprint, null),
    ],
    certificates: [
      {
        id: 'crt_bench',
        name: 'bench-test',
        hosts: ['bench.test'],
        certPem: server.certPem,
        keyFingerprint: 'bench',
      },
    ],
    tlsKeys: { crt_bench: server.keyPem },
  };
}

/** A bench row that measures itself for `seconds`. */
export interface BenchTarget {
  name: string;
  run(seconds: number): Promise<WrkResult>;
}

/**
 * The signature and mTLS rows: hmac-sha256 and ed25519 signatures through wrk (a fresh pool of
 * one-use signatures per run), then key auth and mTLS over TLS through the same Node client.
 */
export function signatureAndTlsTargets(options: {
  creds: AuthBenchCredentials;
  workDir: string;
  port: number;
  tlsPort: number;
  key: string;
  connections: number;
  signatures: number;
}): BenchTarget[] {
  const { creds } = options;
  const script = writeSignedScript(options.workDir);
  const url = `http://127.0.0.1:${options.port}/signed/items?limit=10`;
  let pools = 0;
  const signed = async (alg: 'hmac-sha256' | 'ed25519', seconds: number) => {
    const pool = join(options.workDir, `signatures-${pools++}.txt`);
    await writeSignaturePool(pool, {
      url,
      count: options.signatures,
      ...(alg === 'hmac-sha256'
        ? { alg, keyid: creds.hmac.keyid, key: creds.hmac.secret }
        : { alg, keyid: creds.ed25519.keyid, key: creds.ed25519.privateKey }),
    });
    const args = wrkArgs({
      url,
      headers: {},
      threads: 2,
      connections: options.connections,
      seconds,
      latency: true,
    });
    args.unshift('-s', script);
    args.push('--', pool, '2');
    return parseWrk(execFileSync('wrk', args, { encoding: 'utf8' }));
  };
  const overTls = (path: string, mtls: boolean, seconds: number) =>
    tlsLoad({
      origin: `https://127.0.0.1:${options.tlsPort}`,
      path,
      headers: mtls ? {} : { 'x-api-key': options.key },
      connections: options.connections,
      seconds,
      servername: 'bench.test',
      ca: creds.serverCertPem,
      ...(mtls ? { cert: creds.client.certPem, key: creds.client.keyPem } : {}),
    });
  return [
    { name: 'signature hmac-sha256 GET', run: (s) => signed('hmac-sha256', s) },
    { name: 'signature ed25519 GET', run: (s) => signed('ed25519', s) },
    {
      name: 'TLS key auth GET (node client)',
      run: (s) => overTls('/bench/items?limit=10', false, s),
    },
    { name: 'TLS mTLS GET (node client)', run: (s) => overTls('/mtls/items?limit=10', true, s) },
  ];
}
