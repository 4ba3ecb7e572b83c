import { ZConsumerFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';

const CONSUMER = ZConsumerFields.shape;

/** A consumer starts active; suspending and activating have procedures of their own. */
export const ZCreateConsumerInput = ZConsumerFields.pick({ name: true }).extend({
  description: CONSUMER.description.optional(),
  /** A developer's user id; developers may only pass their own (it is the default for them). */
  ownerId: ZId.optional(),
  webhookUrl: CONSUMER.webhookUrl.optional(),
});
