import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PeerCertificate, connect as tlsConnect } from 'node:tls';

export interface CertificatePair {
  certPem: string;
  keyPem: string;
}

/** A throw-away self-signed P-256 certificate (one day) for `cn` with `sans`, via openssl. */
export function makeCertificatePair(dir: string, cn: string, sans: string): CertificatePair {
  const base = join(dir, `${cn.replace(/[^a-z0-9]/g, '_')}-${Math.random().toString(36).slice(2)}`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      `subjectAltName=${sans}`,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.crt`,
    ],
    { stdio: 'ignore' },
  );
  return {
    certPem: readFileSync(`${base}.crt`, 'utf8'),
    keyPem: readFileSync(`${base}.key`, 'utf8'),
  };
}

/** The certificate a TLS listener on loopback presents for `servername` (none: no SNI sent). */
export function peerCertificate(
  port: number,
  servername: string | undefined,
): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ...(servername === undefined ? {} : { servername }),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.once('error', reject);
  });
}
