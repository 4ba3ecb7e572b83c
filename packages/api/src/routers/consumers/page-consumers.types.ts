import { z } from 'zod';
import { ZPageInput, ZPageSearch } from '../../services/shared/paging';

/** One page of the list: page size, cursor, search and filters. */
export const ZPageConsumersInput = ZPageInput.extend({
  search: ZPageSearch,
  status: z.enum(['active', 'suspended']).optional(),
});
