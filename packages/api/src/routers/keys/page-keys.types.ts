import { ZPageInput, ZPageSearch } from '../../services/shared/paging';
import { ZId } from '../../services/shared/schemas';

/** One page of the list: page size, cursor, search and filters. */
export const ZPageKeysInput = ZPageInput.extend({
  search: ZPageSearch,
  consumerId: ZId.optional(),
});
