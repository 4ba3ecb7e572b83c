import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type IssuedCertificate,
  issueClientCertificate,
  makeCertificateAuthority,
} from './client-certificates';
import { type CertificatePair, makeCertificatePair } from './server-certificates';

/** A private temporary folder a test issues its throw-away certificates in. */
export interface CertificateFolder {
  readonly dir: string;
  /** A self-signed server certificate for `cn` with `sans` (`DNS:a.test`, `IP:127.0.0.1`). */
  serverPair(cn: string, sans: string): CertificatePair;
  authority(cn: string): IssuedCertificate;
  /** A client certificate for `subject` (`/O=Acme/CN=client-1`) signed by `ca`. */
  client(
    ca: IssuedCertificate,
    subject: string,
    options?: { expired?: boolean },
  ): IssuedCertificate;
  /** Deletes the folder and everything issued in it. */
  remove(): void;
}

/** Makes a fresh certificate folder under the system's temporary directory (`portico-<name>-…`). */
export function makeCertificateFolder(name: string): CertificateFolder {
  const dir = mkdtempSync(join(tmpdir(), `portico-${name}-`));
  return {
    dir,
    serverPair: (cn, sans) => makeCertificatePair(dir, cn, sans),
    authority: (cn) => makeCertificateAuthority(dir, cn),
    client: (ca, subject, options) => issueClientCertificate(dir, ca, subject, options),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
