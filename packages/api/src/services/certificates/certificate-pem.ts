import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { badRequest } from '../shared/domain-errors';

/** What is read from an uploaded certificate (the first PEM block is the leaf). */
export interface ParsedCertificate {
  x509: X509Certificate;
  notAfter: Date;
  /** DNS names of the subject alternative name extension, lower case. */
  dnsNames: string[];
}

export function parseCertificatePem(certPem: string): ParsedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch (error) {
    throw badRequest(`certPem: not a PEM X.509 certificate (${(error as Error).message})`);
  }
  const dnsNames = (x509.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  return { x509, notAfter: new Date(x509.validTo), dnsNames };
}

export function parsePrivateKeyPem(keyPem: string): KeyObject {
  try {
    return createPrivateKey(keyPem);
  } catch (error) {
    throw badRequest(
      `keyPem: not an unencrypted PEM private key (${(error as Error).message}); encrypted keys are not accepted`,
    );
  }
}

/**
 * A host is covered when the certificate's SAN lists it, or lists the wildcard for its parent
 * (`*.example.com` covers `a.example.com`, one label only, as TLS clients check it). The
 * subject CN is not considered: clients have ignored it for years.
 */
export function hostCoveredBy(host: string, dnsNames: readonly string[]): boolean {
  const name = host.toLowerCase();
  if (dnsNames.includes(name)) return true;
  if (name.startsWith('*.')) return false;
  const dot = name.indexOf('.');
  return dot > 0 && dnsNames.includes(`*.${name.slice(dot + 1)}`);
}

/**
 * Everything a gateway needs to serve the pair: the certificate parses, is not expired, the key
 * is its key, and every host is in its SAN. Each refusal names the field to fix.
 */
export function validateCertificatePair(
  input: { hosts: readonly string[]; certPem: string; keyPem?: string | undefined },
  now: Date,
): ParsedCertificate {
  const parsed = parseCertificatePem(input.certPem);
  if (parsed.notAfter.getTime() <= now.getTime()) {
    throw badRequest(`certPem: the certificate expired on ${parsed.notAfter.toISOString()}`);
  }
  if (input.keyPem !== undefined) {
    const key = parsePrivateKeyPem(input.keyPem);
    if (!parsed.x509.checkPrivateKey(key)) {
      throw badRequest('keyPem: the private key does not belong to the certificate in certPem');
    }
  }
  const uncovered = input.hosts.filter((host) => !hostCoveredBy(host, parsed.dnsNames));
  if (uncovered.length > 0) {
    throw badRequest(
      `hosts: ${uncovered.join(', ')} not covered by the certificate's subject alternative names (${parsed.dnsNames.join(', ') || 'none'})`,
    );
  }
  return parsed;
}
