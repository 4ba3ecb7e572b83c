import { createPublicKey } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { CredentialSecret, SingleAuth } from '@portico/config';
import type { CompiledConfig } from '../../config/compiled-config';
import type { CredentialTable } from '../../config/credential-table';
import type { AuthOutcome } from '../auth-outcome';
import type { AuthenticatorFactory, AuthHost } from '../authenticator';
import { resolveAccess } from '../consumer-access';
import {
  compileSignaturePolicy,
  type SignatureAlgorithm,
  type SignaturePolicy,
} from './signature-policy';
import { type KeyLookup, type VerificationKey, verifyRequestSignature } from './signature-verify';

type SignatureAuth = Extract<SingleAuth, { type: 'signature' }>;

/**
 * Verification keys by credential. A table's credentials are immutable objects replaced on
 * change, so a key is decoded (base64 secret, PEM public key) once per credential version and
 * forgotten with it.
 */
const keysByCredential = new WeakMap<CredentialSecret, VerificationKey | null>();

function verificationKey(credential: CredentialSecret): VerificationKey | null {
  const known = keysByCredential.get(credential);
  if (known !== undefined) return known;
  let key: VerificationKey | null = null;
  if (credential.verifier !== null) {
    try {
      key = {
        id: credential.id,
        consumerId: credential.consumerId,
        algorithm: credential.kind === 'hmac' ? 'hmac-sha256' : 'ed25519',
        key:
          credential.kind === 'hmac'
            ? Buffer.from(credential.verifier, 'base64')
            : createPublicKey(credential.verifier),
        expiresAtMs: credential.expiresAt === null ? null : Date.parse(credential.expiresAt),
      };
    } catch {
      // A key the control plane validated cannot fail here; if one does, it verifies nothing.
      key = null;
    }
  }
  keysByCredential.set(credential, key);
  return key;
}

/** One lookup function per credential table, built on first use, so requests allocate none. */
const lookups = new WeakMap<CredentialTable, KeyLookup>();

function lookupIn(credentials: CredentialTable): KeyLookup {
  const known = lookups.get(credentials);
  if (known !== undefined) return known;
  const lookup = (keyid: string, alg: SignatureAlgorithm | null): VerificationKey | null => {
    const credential =
      alg === 'hmac-sha256'
        ? credentials.credential('hmac', keyid)
        : alg === 'ed25519'
          ? credentials.credential('ed25519', keyid)
          : (credentials.credential('ed25519', keyid) ?? credentials.credential('hmac', keyid));
    return credential === undefined ? null : verificationKey(credential);
  };
  lookups.set(credentials, lookup);
  return lookup;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The scheme the client used: the connection's own, or, from a trusted proxy that terminated
 * TLS, the one its X-Forwarded-Proto reports (so `@scheme` and `@target-uri` still verify).
 */
function schemeOf(host: AuthHost): 'http' | 'https' {
  const view = host.view;
  if (view?.peerTrusted === true) return view.xForwardedProto === 'https' ? 'https' : 'http';
  return (host.req.socket as TLSSocket).encrypted === true ? 'https' : 'http';
}

/** The request carries a body: a declared length above zero, or one streamed without a length. */
function hasBody(host: AuthHost): boolean {
  const headers = host.req.headers;
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/**
 * What a caller without a signature is told to send (RFC 9421 §5.1 Accept-Signature): the
 * components the API requires, with `created` (and `nonce` when required).
 */
function acceptSignature(policy: SignaturePolicy): Readonly<Record<string, string>> {
  const params = policy.requireNonce ? ';created;nonce' : ';created';
  return { 'accept-signature': `sig1=(${policy.required.join(' ')})${params}` };
}

function authenticateSignature(
  host: AuthHost,
  policy: SignaturePolicy,
  apiId: string,
  config: CompiledConfig,
  accept: Readonly<Record<string, string>>,
): AuthOutcome {
  const req = host.req;
  const outcome = verifyRequestSignature(
    {
      method: req.method ?? 'GET',
      scheme: schemeOf(host),
      host: req.headers.host ?? '',
      target: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      signatureInput: headerText(req.headers['signature-input']),
      signature: headerText(req.headers.signature),
      hasBody: hasBody(host),
    },
    policy,
    lookupIn(host.credentials),
    Date.now(),
  );
  if (!outcome.ok)
    return outcome.code === 'GW_SIGNATURE_MISSING' ? { ...outcome, challenge: accept } : outcome;
  const consumer = host.credentials.consumers.get(outcome.key.consumerId);
  if (consumer === undefined)
    return {
      ok: false,
      code: 'GW_SIGNATURE_INVALID',
      detail: 'the signing key belongs to no active consumer',
    };
  const access = resolveAccess(consumer, apiId, host.routeId, config, host.credentials);
  if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
  host.bodyDigest = outcome.bodyDigest;
  return {
    ok: true,
    consumer,
    keyId: outcome.key.id,
    plan: access.plan,
    credentialHeader: null,
    credentialQueryParam: null,
  };
}

/**
 * HTTP Message Signatures (RFC 9421) with the consumers' hmac-sha256 and ed25519 signing keys,
 * found by `keyid` in the credential table; the API's requirements are compiled here once.
 */
export const compileSignature: AuthenticatorFactory<SignatureAuth> = (auth, { api }) => {
  const policy = compileSignaturePolicy(auth);
  const accept = acceptSignature(policy);
  const apiId = api.id;
  return {
    type: 'signature',
    challenge: null,
    expects: 'an HTTP Message Signature (RFC 9421) in the Signature-Input and Signature headers',
    present: (host) => host.req.headers['signature-input'] !== undefined,
    run(host, config) {
      host.afterAuth(authenticateSignature(host, policy, apiId, config, accept));
    },
  };
};
