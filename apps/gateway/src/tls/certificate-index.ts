import { createSecureContext, type SecureContext } from 'node:tls';
import type { PublishedConfig } from '@portico/config';

/** The certificates of one config version, ready for SNI. Immutable once built. */
export interface CertificateIndex {
  /** The config this index was built from; a different one means it must be rebuilt. */
  readonly source: PublishedConfig | null;
  /** Exact host names, lower case. */
  readonly exact: ReadonlyMap<string, SecureContext>;
  /** Wildcards by the suffix they cover: `*.example.com` is stored as `example.com`. */
  readonly wildcard: ReadonlyMap<string, SecureContext>;
  /** For clients naming no configured host (or none at all): the first certificate. */
  readonly fallback: SecureContextSource | null;
  /** Certificates left out because their key is missing or does not load, with the reason. */
  readonly skipped: readonly string[];
}

export interface SecureContextSource {
  readonly context: SecureContext;
  readonly cert: string;
  readonly key: string;
}

export const EMPTY_CERTIFICATE_INDEX: CertificateIndex = {
  source: null,
  exact: new Map(),
  wildcard: new Map(),
  fallback: null,
  skipped: [],
};

/**
 * Builds one secure context per certificate of `published` with its key from `secrets.tlsKeys`.
 * The first host claiming a name wins, so the order of the snapshot (by name) decides overlaps.
 * A certificate whose key is absent or fails to load (e.g. does not match the certificate) is skipped
 * (and reported) rather than failing the whole version: the other hosts keep being served.
 */
export function buildCertificateIndex(published: PublishedConfig | null): CertificateIndex {
  if (published === null) return EMPTY_CERTIFICATE_INDEX;
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  const skipped: string[] = [];
  let fallback: SecureContextSource | null = null;
  for (const certificate of published.snapshot.certificates ?? []) {
    const key = published.secrets.tlsKeys[certificate.id];
    if (key === undefined) {
      skipped.push(`certificate ${certificate.name}: no private key was delivered with the config`);
      continue;
    }
    let context: SecureContext;
    try {
      context = createSecureContext({ cert: certificate.certPem, key });
    } catch (error) {
      skipped.push(`certificate ${certificate.name}: ${(error as Error).message}`);
      continue;
    }
    fallback ??= { context, cert: certificate.certPem, key };
    for (const host of certificate.hosts) {
      const name = host.toLowerCase();
      if (name.startsWith('*.')) {
        const suffix = name.slice(2);
        if (!wildcard.has(suffix)) wildcard.set(suffix, context);
      } else if (!exact.has(name)) {
        exact.set(name, context);
      }
    }
  }
  return { source: published, exact, wildcard, fallback, skipped };
}

/**
 * The context for an SNI name: exact host first, then a wildcard covering exactly one more
 * label (`*.example.com` serves `a.example.com`, not `a.b.example.com` nor `example.com`, as
 * RFC 6125 §6.4.3 has clients check it), then the fallback. Null when no certificate exists.
 */
export function contextFor(index: CertificateIndex, servername: string): SecureContext | null {
  const name = servername.toLowerCase().replace(/\.$/, '');
  const exact = index.exact.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const wild = index.wildcard.get(name.slice(dot + 1));
    if (wild !== undefined) return wild;
  }
  return index.fallback?.context ?? null;
}
