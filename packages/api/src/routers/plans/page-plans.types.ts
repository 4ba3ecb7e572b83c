import { ZPageInput, ZPageSearch } from '../../services/shared/paging';

/** One page of the list: page size, cursor, search. */
export const ZPagePlansInput = ZPageInput.extend({
  search: ZPageSearch,
});
