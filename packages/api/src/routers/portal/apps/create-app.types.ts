import { ZConsumerFields } from '@portico/config';

/** A developer's app is a consumer: its name and description follow the consumer's rules. */
export const ZCreateAppInput = ZConsumerFields.pick({ name: true }).extend({
  description: ZConsumerFields.shape.description.trim().optional(),
});
