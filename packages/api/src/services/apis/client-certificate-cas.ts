import { X509Certificate } from 'node:crypto';
import { badRequest } from '../shared/domain-errors';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function mtlsCasOf(auth: unknown): readonly unknown[] {
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) return [];
  const { type, caCertificates, methods } = auth as {
    type?: unknown;
    caCertificates?: unknown;
    methods?: unknown;
  };
  if (type === 'mtls' && Array.isArray(caCertificates)) return caCertificates;
  if (type === 'anyOf' && Array.isArray(methods)) return methods.flatMap((m) => mtlsCasOf(m));
  return [];
}

/**
 * Why the CA certificates of an API's mtls auth (also inside anyOf) are unusable: each must
 * load as X.509, be a CA, and be valid now. Gateways would refuse the whole version otherwise.
 */
export function clientCaIssues(auth: unknown, nowMs: number): string[] {
  const issues: string[] = [];
  mtlsCasOf(auth).forEach((pem, index) => {
    const where = `auth.caCertificates[${index}]`;
    if (typeof pem !== 'string') return;
    for (const block of pem.match(PEM_BLOCK) ?? []) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(block);
      } catch (error) {
        issues.push(`${where}: not a loadable certificate (${(error as Error).message})`);
        continue;
      }
      if (!cert.ca)
        issues.push(`${where}: ${cert.subject.replaceAll('\n', ', ')} is not a CA certificate`);
      else if (Date.parse(cert.validTo) < nowMs)
        issues.push(`${where}: ${cert.subject.replaceAll('\n', ', ')} expired on ${cert.validTo}`);
    }
  });
  return issues;
}

/** Refuses an API whose mtls CA certificates gateways could not use, naming the first problem. */
export function assertClientCasUsable(auth: unknown, now: Date): void {
  const issues = clientCaIssues(auth, now.getTime());
  if (issues.length > 0) throw badRequest(issues[0] as string);
}
