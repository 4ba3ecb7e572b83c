import { ZPageInput, ZPageSearch } from '../../../services/shared/paging';
import { ZId } from '../../../services/shared/schemas';

/** One page of the developer's keys: page size, cursor, search and one app's. */
export const ZPagePortalKeysInput = ZPageInput.extend({
  search: ZPageSearch,
  appId: ZId.optional(),
});
