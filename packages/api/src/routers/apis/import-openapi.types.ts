import { ZApiAuth, ZApiHost, ZBasePath, ZName } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

/**
 * Either `apiId` (attach the document to that API) or `name` + `serviceId` (create a new API;
 * `basePath` defaults to the document's server path). The size limit is checked in the procedure
 * so an oversized document gets PAYLOAD_TOO_LARGE rather than a validation error.
 */
export const ZImportOpenApiInput = z.object({
  apiId: ZId.optional(),
  name: ZName.optional(),
  serviceId: ZId.optional(),
  basePath: ZBasePath.optional(),
  hosts: z.array(ZApiHost).max(100).default([]),
  auth: ZApiAuth.default({ type: 'key' }),
  /** false appends the document's routes to the existing ones. */
  replaceRoutes: z.boolean().default(true),
  document: z.string().min(1, 'must not be empty'),
});
