import { z } from 'zod';
import { ZApiAuth, ZApiHost, ZApiPolicies, ZBasePath, ZRoute } from './api-settings';
import { ZMcpSettings } from './mcp-settings';
import { ZName } from './service-settings';

/**
 * The fields of an API that people and documents set, each with its one rule. The control
 * plane's create and update inputs and the console's API form derive their shapes from it
 * (defaults, optionality, the service reference), so a field or rule is written once.
 */
export const ZApiFields = z.object({
  name: ZName,
  description: z.string().max(5000),
  version: z.string().min(1, 'must not be empty').max(50),
  basePath: ZBasePath,
  hosts: z.array(ZApiHost).max(100),
  stripBasePath: z.boolean(),
  visibility: z.enum(['public', 'private']),
  auth: ZApiAuth,
  policies: ZApiPolicies,
  routes: z.array(ZRoute).max(2000),
  mcp: ZMcpSettings,
});
export type ApiFields = z.infer<typeof ZApiFields>;
