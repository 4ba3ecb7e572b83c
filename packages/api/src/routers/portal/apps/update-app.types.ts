import { ZConsumerFields } from '@portico/config';
import { ZId } from '../../../services/shared/schemas';

export const ZUpdateAppInput = ZConsumerFields.pick({ name: true }).partial().extend({
  id: ZId,
  description: ZConsumerFields.shape.description.trim().nullable().optional(),
});
