import type { CredentialConsumer } from '@portico/config';
import type { CompiledPlan } from '../config/compiled-config';
import type { GatewayErrorCode } from '../errors/gateway-errors';

export type AuthOutcome =
  | {
      ok: true;
      consumer: CredentialConsumer | null;
      /** The API key (`key_…`) or consumer credential (`cred_…`) that authenticated, for analytics. */
      keyId: string | null;
      plan: CompiledPlan | null;
      /** Request header carrying the credential, removed before forwarding (never the upstream's business). */
      credentialHeader: 'x-api-key' | 'authorization' | null;
      /** Query parameter carrying the key, removed from the forwarded query. */
      credentialQueryParam: string | null;
      /** mtls with forwardClientCert: the Client-Cert header value (RFC 9440) sent upstream. */
      clientCert?: string | undefined;
    }
  | {
      ok: false;
      code: GatewayErrorCode;
      detail: string;
      /** Headers telling the caller what to send (`WWW-Authenticate`); the code's default when unset. */
      challenge?: Readonly<Record<string, string>> | undefined;
    };

/** A caller the API's authentication let through. */
export type Authenticated = AuthOutcome & { ok: true };

export const ANONYMOUS: Authenticated = {
  ok: true,
  consumer: null,
  keyId: null,
  plan: null,
  credentialHeader: null,
  credentialQueryParam: null,
};

type Refusal = AuthOutcome & { ok: false };

/**
 * A refusal an authenticator answers with again and again, built once when its module loads or
 * its API compiles (never per request). Without a challenge the object has no `challenge` key,
 * the same shape as a refusal written out in place.
 */
export function refusal(
  code: GatewayErrorCode,
  detail: string,
  challenge?: Readonly<Record<string, string>>,
): Refusal {
  return challenge === undefined
    ? { ok: false, code, detail }
    : { ok: false, code, detail, challenge };
}
