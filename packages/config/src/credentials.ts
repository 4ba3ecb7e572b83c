import { z } from 'zod';

/** Consumers, keys and subscriptions change without a publish; they travel as a separate set. */
export const ZCredentialConsumer = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
});
export type CredentialConsumer = z.infer<typeof ZCredentialConsumer>;

export const ZCredentialKey = z.object({
  id: z.string(),
  consumerId: z.string(),
  /** Lower-case hex SHA-256 of the whole clear key. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** ISO time after which the key is refused; null = never. */
  expiresAt: z.string().nullable(),
});
export type CredentialKey = z.infer<typeof ZCredentialKey>;

/** Only active subscriptions are sent: anything else means "not subscribed". */
export const ZCredentialSubscription = z.object({
  id: z.string(),
  consumerId: z.string(),
  planId: z.string(),
});
export type CredentialSubscription = z.infer<typeof ZCredentialSubscription>;

/** The kinds of consumer credential other than API keys. */
export const CREDENTIAL_KINDS = ['basic', 'hmac', 'ed25519', 'mtls'] as const;
export const ZCredentialKind = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof ZCredentialKind>;

/**
 * A live consumer credential as gateways hold it, found by `(kind, identifier)`. Revoked and
 * expired ones are never sent (they travel as `credential.delete`).
 */
export const ZCredentialSecret = z.object({
  id: z.string(),
  consumerId: z.string(),
  kind: ZCredentialKind,
  /** basic: the username; hmac/ed25519: the keyid; mtls: SHA-256 fingerprint (hex) or subject DN. */
  identifier: z.string(),
  /**
   * What the gateway verifies against. basic: the password's self-describing hash; hmac: the
   * shared secret, base64; ed25519: the SPKI PEM public key; mtls: null.
   */
  verifier: z.string().nullable(),
  /** mtls: whether `identifier` is the certificate fingerprint or its subject; else null. */
  matchBy: z.enum(['fingerprint', 'subject']).nullable(),
  /** ISO time after which the credential is refused; null = never. */
  expiresAt: z.string().nullable(),
});
export type CredentialSecret = z.infer<typeof ZCredentialSecret>;

export const ZCredentialSet = z.object({
  consumers: z.array(ZCredentialConsumer),
  keys: z.array(ZCredentialKey),
  subscriptions: z.array(ZCredentialSubscription),
  /** Defaulted so sets written before credentials existed (snapshots on disk) still parse. */
  credentials: z.array(ZCredentialSecret).default([]),
});
export type CredentialSet = z.infer<typeof ZCredentialSet>;
/** A set as written before credentials existed (or by tests): `credentials` may be absent. */
export type CredentialSetInput = z.input<typeof ZCredentialSet>;

/** One entry of the credential change log; `seq` is strictly increasing. */
export const ZCredentialChange = z.discriminatedUnion('type', [
  z.object({
    seq: z.number().int(),
    type: z.literal('consumer.upsert'),
    consumer: ZCredentialConsumer,
  }),
  z.object({ seq: z.number().int(), type: z.literal('consumer.delete'), id: z.string() }),
  z.object({ seq: z.number().int(), type: z.literal('key.upsert'), key: ZCredentialKey }),
  z.object({ seq: z.number().int(), type: z.literal('key.delete'), id: z.string() }),
  z.object({
    seq: z.number().int(),
    type: z.literal('subscription.upsert'),
    subscription: ZCredentialSubscription,
  }),
  z.object({ seq: z.number().int(), type: z.literal('subscription.delete'), id: z.string() }),
  z.object({
    seq: z.number().int(),
    type: z.literal('credential.upsert'),
    credential: ZCredentialSecret,
  }),
  z.object({ seq: z.number().int(), type: z.literal('credential.delete'), id: z.string() }),
]);
export type CredentialChange = z.infer<typeof ZCredentialChange>;
