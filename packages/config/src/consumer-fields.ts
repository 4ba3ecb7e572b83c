import { z } from 'zod';
import { ZName } from './service-settings';
import { ZWebhookUrl } from './webhook-url';

/**
 * The fields of a consumer (a portal developer's app, too) that people and documents set, each
 * with its one rule. The control plane's consumer and portal app inputs, the declarative file and
 * the console's consumer form derive their shapes from it.
 */
export const ZConsumerFields = z.object({
  name: ZName,
  description: z.string().max(2000),
  webhookUrl: ZWebhookUrl,
  status: z.enum(['active', 'suspended']),
});
export type ConsumerFields = z.infer<typeof ZConsumerFields>;
