import { ZName } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZCreateConsumerInput = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  /** A developer's user id; developers may only pass their own (it is the default for them). */
  ownerId: ZId.optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});
