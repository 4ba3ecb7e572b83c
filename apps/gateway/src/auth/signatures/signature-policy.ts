import type { SingleAuth } from '@portico/config';

type SignatureAuth = Extract<SingleAuth, { type: 'signature' }>;
export type SignatureAlgorithm = 'hmac-sha256' | 'ed25519';

/** An API's signature requirements, compiled once when its config is applied. */
export interface SignaturePolicy {
  readonly algorithms: ReadonlySet<SignatureAlgorithm>;
  /** Identifiers (`"@method"`, `"content-type"`) every signature must cover. */
  readonly required: readonly string[];
  readonly requireContentDigest: boolean;
  readonly requireNonce: boolean;
  readonly label: string | null;
  readonly clockSkewSeconds: number;
  readonly maxAgeSeconds: number;
}

/** Components `@target-uri` stands for: covering it covers each of them. */
const IN_TARGET_URI = new Set(['"@scheme"', '"@authority"', '"@path"', '"@query"']);

export function compileSignaturePolicy(auth: SignatureAuth): SignaturePolicy {
  return {
    algorithms: new Set(auth.algorithms),
    required: auth.requiredComponents.map((name) => JSON.stringify(name)),
    requireContentDigest: auth.requireContentDigest,
    requireNonce: auth.requireNonce,
    label: auth.label ?? null,
    clockSkewSeconds: auth.clockSkewSeconds,
    maxAgeSeconds: auth.maxAgeSeconds,
  };
}

/** The first required component a signature's covered identifiers lack, or null. */
export function missingComponent(
  policy: SignaturePolicy,
  covered: ReadonlySet<string>,
): string | null {
  const coversTarget = covered.has('"@target-uri"');
  for (const id of policy.required) {
    if (covered.has(id)) continue;
    if (coversTarget && IN_TARGET_URI.has(id)) continue;
    return id;
  }
  return null;
}
