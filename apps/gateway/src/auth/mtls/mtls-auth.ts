import type { SingleAuth } from '@portico/config';
import type { CompiledConfig } from '../../config/compiled-config';
import { type AuthOutcome, refusal } from '../auth-outcome';
import type { AuthenticatorFactory, AuthHost } from '../authenticator';
import { resolveAccess } from '../consumer-access';
import { peerCertificateOf } from './client-certificate';
import { certificateProblem, compileTrustedCas, type TrustedCas } from './trusted-cas';

type MtlsAuth = Extract<SingleAuth, { type: 'mtls' }>;

const OVER_PLAIN_HTTP = refusal(
  'GW_CERT_MISSING',
  "this API requires a client certificate: call it over HTTPS on the gateway's TLS listener",
);
const NO_CERTIFICATE = refusal(
  'GW_CERT_MISSING',
  'present a client certificate issued by a CA this API trusts',
);
const UNKNOWN = refusal(
  'GW_CERT_INVALID',
  'the client certificate is not registered to a consumer, or was revoked',
);

function authenticateCertificate(
  host: AuthHost,
  auth: MtlsAuth,
  trusted: TrustedCas,
  apiId: string,
  config: CompiledConfig,
): AuthOutcome {
  const found = peerCertificateOf(host.req);
  if (found.kind === 'plain') return OVER_PLAIN_HTTP;
  if (found.kind === 'none') return NO_CERTIFICATE;
  const peer = found.peer;
  const now = Date.now();
  const problem = certificateProblem(peer, trusted, now);
  if (problem !== null) return { ok: false, code: 'GW_CERT_INVALID', detail: problem };
  const credential = host.credentials.credential(
    'mtls',
    auth.matchBy === 'fingerprint' ? peer.fingerprint : peer.subject,
  );
  if (credential === undefined || credential.matchBy !== auth.matchBy) return UNKNOWN;
  if (credential.expiresAt !== null && Date.parse(credential.expiresAt) <= now)
    return { ok: false, code: 'GW_CERT_INVALID', detail: 'the certificate credential has expired' };
  const consumer = host.credentials.consumers.get(credential.consumerId);
  if (consumer === undefined) return UNKNOWN;
  const access = resolveAccess(consumer, apiId, host.routeId, config, host.credentials);
  if (!access.ok) return { ok: false, code: 'GW_FORBIDDEN', detail: access.detail };
  return {
    ok: true,
    consumer,
    keyId: credential.id,
    plan: access.plan,
    credentialHeader: null,
    credentialQueryParam: null,
    ...(auth.forwardClientCert ? { clientCert: peer.clientCertField } : {}),
  };
}

/**
 * Client certificates on the TLS listener: the certificate must chain to one of the API's CAs
 * (parsed here, once per config version; a CA that does not load refuses the version) and be
 * registered to a consumer by fingerprint or subject. Revoking is removing that registration,
 * which reaches gateways through the credential stream.
 */
export const compileMtls: AuthenticatorFactory<MtlsAuth> = (auth, { api }) => {
  const trusted = compileTrustedCas(auth.caCertificates);
  const apiId = api.id;
  return {
    type: 'mtls',
    challenge: null,
    expects: 'a client certificate on the TLS connection',
    present: (host) => peerCertificateOf(host.req).kind === 'certificate',
    run(host, config) {
      host.afterAuth(authenticateCertificate(host, auth, trusted, apiId, config));
    },
  };
};
