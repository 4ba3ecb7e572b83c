import { ZConsumerFields } from '@portico/config';

/**
 * What the consumer form sends, checked with the consumer's own field rules: the webhook URL
 * goes through the same webhookUrlProblem rule (http(s), no credentials, no metadata host), so
 * the form names the problem before the server would refuse it.
 */
export const ZConsumerForm = ZConsumerFields.pick({
  name: true,
  description: true,
  webhookUrl: true,
}).partial({ description: true, webhookUrl: true });
