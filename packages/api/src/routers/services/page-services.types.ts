import { ZPageInput, ZPageSearch } from '../../services/shared/paging';

/** One page of the list: page size, cursor, search. */
export const ZPageServicesInput = ZPageInput.extend({
  search: ZPageSearch,
});
