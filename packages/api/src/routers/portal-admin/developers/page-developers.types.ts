import { z } from 'zod';
import { ZPageInput, ZPageSearch } from '../../../services/shared/paging';

/** One page of developer accounts: page size, cursor, search and status. */
export const ZPageDevelopersInput = ZPageInput.extend({
  search: ZPageSearch,
  status: z.enum(['active', 'pending', 'rejected', 'suspended']).optional(),
});
