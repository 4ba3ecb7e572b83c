import { z } from 'zod';
import { ZPageInput, ZPageSearch } from '../../services/shared/paging';
import { ZId } from '../../services/shared/schemas';

/** One page of the list: page size, cursor, search and filters. */
export const ZPageSubscriptionsInput = ZPageInput.extend({
  search: ZPageSearch,
  consumerId: ZId.optional(),
  status: z.enum(['pending', 'active', 'rejected', 'cancelled']).optional(),
});
