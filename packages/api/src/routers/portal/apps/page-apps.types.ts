import { ZPageInput, ZPageSearch } from '../../../services/shared/paging';

/** One page of the developer's apps: page size, cursor and search. */
export const ZPagePortalAppsInput = ZPageInput.extend({ search: ZPageSearch });
