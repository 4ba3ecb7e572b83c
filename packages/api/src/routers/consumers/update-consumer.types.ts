import { ZName } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { ZWebhookUrl } from './create-consumer.types';

export const ZUpdateConsumerInput = z.object({
  id: ZId,
  name: ZName.optional(),
  description: z.string().max(2000).nullable().optional(),
  webhookUrl: ZWebhookUrl.nullable().optional(),
});
