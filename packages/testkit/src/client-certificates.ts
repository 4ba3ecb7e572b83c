import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate and its private key, PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function unique(dir: string, name: string): string {
  return join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A throw-away certificate authority (self-signed, CA:TRUE, two days). */
export function makeCertificateAuthority(dir: string, cn: string): IssuedCertificate {
  const base = unique(dir, 'ca');
  openssl([
    'req',
    '-x509',
    ...EC,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.crt`,
  ]);
  return {
    certPem: readFileSync(`${base}.crt`, 'utf8'),
    keyPem: readFileSync(`${base}.key`, 'utf8'),
    certPath: `${base}.crt`,
    keyPath: `${base}.key`,
  };
}

/**
 * A client certificate (extended key usage clientAuth) for `subject` (`/O=Acme/CN=client-1`)
 * issued by `ca` through `openssl ca`, valid for a day from now, or over a past window when
 * `expired` is set.
 */
export function issueClientCertificate(
  dir: string,
  ca: IssuedCertificate,
  subject: string,
  options: { expired?: boolean } = {},
): IssuedCertificate {
  const base = unique(dir, 'client');
  writeFileSync(`${base}.index`, '');
  writeFileSync(
    `${base}.cnf`,
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${base}.index`,
      `new_certs_dir = ${dir}`,
      'rand_serial = yes',
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'x509_extensions = client_ext',
      '[any]',
      'organizationName = optional',
      'commonName = supplied',
      '[client_ext]',
      'basicConstraints = CA:FALSE',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  openssl([
    'req',
    '-new',
    ...EC,
    '-subj',
    subject,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
  ]);
  const validity = options.expired
    ? ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']
    : ['-days', '1'];
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    `${base}.cnf`,
    '-cert',
    ca.certPath,
    '-keyfile',
    ca.keyPath,
    '-in',
    `${base}.csr`,
    '-out',
    `${base}.crt`,
    ...validity,
  ]);
  return {
    certPem: readFileSync(`${base}.crt`, 'utf8'),
    keyPem: readFileSync(`${base}.key`, 'utf8'),
    certPath: `${base}.crt`,
    keyPath: `${base}.key`,
  };
}
