import { ZConsumerFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';

const CONSUMER = ZConsumerFields.shape;

/** Every field optional: what is left out stays as it is; null clears an optional field. */
export const ZUpdateConsumerInput = ZConsumerFields.pick({ name: true }).partial().extend({
  id: ZId,
  description: CONSUMER.description.nullable().optional(),
  webhookUrl: CONSUMER.webhookUrl.nullable().optional(),
});
