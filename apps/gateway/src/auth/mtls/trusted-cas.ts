import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from './client-certificate';

/** An API's trusted CAs, parsed when its config is applied. */
export interface TrustedCas {
  readonly cas: readonly X509Certificate[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_USAGE = '2.5.29.37.0';

/** Parses every certificate of the PEM list; throws naming the one that does not load. */
export function compileTrustedCas(pems: readonly string[]): TrustedCas {
  const cas: X509Certificate[] = [];
  pems.forEach((pem, index) => {
    for (const block of pem.match(PEM_BLOCK) ?? []) {
      try {
        cas.push(new X509Certificate(block));
      } catch (error) {
        throw new Error(`caCertificates[${index}] does not load: ${(error as Error).message}`);
      }
    }
  });
  return { cas };
}

function validAt(cert: X509Certificate, nowMs: number): boolean {
  return Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function chainProblem(peer: PeerCertificate, trusted: TrustedCas, nowMs: number): string | null {
  const usage = peer.leaf.keyUsage;
  if (usage !== undefined && !usage.includes(CLIENT_AUTH) && !usage.includes(ANY_USAGE))
    return 'the client certificate is not meant for client authentication (extended key usage)';
  let current = peer.leaf;
  for (let depth = 0; depth <= peer.chain.length; depth++) {
    for (const ca of trusted.cas) {
      if (signedBy(current, ca))
        return validAt(ca, nowMs) ? null : 'the issuing CA certificate is not valid now';
    }
    const intermediate = peer.chain.find((c) => c.ca && c !== current && signedBy(current, c));
    if (intermediate === undefined) break;
    if (!validAt(intermediate, nowMs)) return 'an intermediate certificate is not valid now';
    current = intermediate;
  }
  return 'the client certificate is not issued by a CA this API trusts';
}

/**
 * Why the peer's certificate is not acceptable for an API (untrusted chain, not yet or no longer
 * valid, wrong usage), or null. The chain verdict is kept per connection and CA set; dates are
 * checked on every request, so a certificate expiring mid-connection stops working.
 */
export function certificateProblem(
  peer: PeerCertificate,
  trusted: TrustedCas,
  nowMs: number,
): string | null {
  if (nowMs < peer.notBeforeMs) return 'the client certificate is not valid yet';
  if (nowMs > peer.notAfterMs) return 'the client certificate has expired';
  let verdict = peer.trust.get(trusted);
  if (verdict === undefined) {
    verdict = chainProblem(peer, trusted, nowMs);
    peer.trust.set(trusted, verdict);
  }
  return verdict;
}
