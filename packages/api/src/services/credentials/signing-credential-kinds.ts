import { createHash, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { canonicalSubject } from '@portico/config';
import type { z } from 'zod';
import { badRequest } from '../shared/domain-errors';
import type { PrepareContext, PreparedCredential } from './credential-kinds';
import type {
  ZEd25519CredentialSpec,
  ZHmacCredentialSpec,
  ZMtlsCredentialSpec,
} from './signing-credential-specs';

/** hmac: 32 random bytes, base64, shown once; sealed at rest because gateways need it clear. */
export async function prepareHmac(
  spec: z.infer<typeof ZHmacCredentialSpec>,
  ctx: PrepareContext,
): Promise<PreparedCredential> {
  const secret = randomBytes(32).toString('base64');
  return {
    identifier: spec.keyid ?? `hk_${randomBytes(12).toString('base64url')}`,
    secretHash: null,
    secretSealed: ctx.seal(secret),
    publicKey: null,
    matchBy: null,
    secret,
  };
}

/** ed25519: the uploaded public key, checked to be Ed25519 and stored as canonical SPKI PEM. */
export async function prepareEd25519(
  spec: z.infer<typeof ZEd25519CredentialSpec>,
  _ctx?: PrepareContext,
  field = 'spec.publicKey',
): Promise<PreparedCredential> {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(spec.publicKey);
  } catch (error) {
    throw badRequest(`${field}: not a readable public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw badRequest(
      `${field}: an ${key.asymmetricKeyType ?? 'unknown'} key; upload an Ed25519 public key`,
    );
  const jwk = key.export({ format: 'jwk' });
  // RFC 7638: the thumbprint hashes the required members in lexicographic order.
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest('base64url');
  return {
    identifier: spec.keyid ?? thumbprint,
    secretHash: null,
    secretSealed: null,
    publicKey: key.export({ format: 'pem', type: 'spki' }).toString(),
    matchBy: null,
    secret: null,
  };
}

/** mtls: fingerprint or subject, computed from the certificate when one is uploaded. */
export async function prepareMtls(
  spec: z.infer<typeof ZMtlsCredentialSpec>,
  ctx: PrepareContext & { now?: Date },
): Promise<PreparedCredential> {
  let cert: X509Certificate | null = null;
  if (spec.certificate !== undefined) {
    try {
      cert = new X509Certificate(spec.certificate);
    } catch (error) {
      throw badRequest(
        `spec.certificate: not a readable certificate (${(error as Error).message})`,
      );
    }
    const nowMs = (ctx.now ?? new Date()).getTime();
    if (Date.parse(cert.validTo) < nowMs)
      throw badRequest(
        `spec.certificate: expired on ${cert.validTo}; upload a current certificate`,
      );
  }
  let identifier: string;
  if (spec.matchBy === 'fingerprint') {
    const fromCert = cert?.fingerprint256.replaceAll(':', '').toLowerCase();
    const given = spec.fingerprint?.replaceAll(':', '').toLowerCase();
    if (fromCert !== undefined && given !== undefined && fromCert !== given)
      throw badRequest('spec.fingerprint: does not match the uploaded certificate');
    identifier = (fromCert ?? given) as string;
  } else {
    const fromCert = cert === null ? undefined : canonicalSubject(cert.subject);
    const given = spec.subject === undefined ? undefined : canonicalSubject(spec.subject);
    if (fromCert !== undefined && given !== undefined && fromCert !== given)
      throw badRequest(`spec.subject: the certificate's subject is ${fromCert}`);
    identifier = (fromCert ?? given) as string;
  }
  return {
    identifier,
    secretHash: null,
    secretSealed: null,
    publicKey: spec.certificate?.trim() ?? null,
    matchBy: spec.matchBy,
    secret: null,
  };
}
