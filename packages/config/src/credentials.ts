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

export const ZCredentialSet = z.object({
  consumers: z.array(ZCredentialConsumer),
  keys: z.array(ZCredentialKey),
  subscriptions: z.array(ZCredentialSubscription),
});
export type CredentialSet = z.infer<typeof ZCredentialSet>;

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
]);
export type CredentialChange = z.infer<typeof ZCredentialChange>;
