import { router } from '../../../trpc';
import { apiCatalogLinksetProcedure } from './api-catalog-linkset';
import { apiMarkdownProcedure } from './api-markdown';
import { getCatalogApiProcedure } from './get-catalog-api';
import { listCatalogProcedure } from './list-catalog';
import { listCatalogPlansProcedure } from './list-plans';
import { llmsTxtProcedure } from './llms-txt';

/** The public catalogue: listed APIs and plans only, for people and for machines. */
export const portalCatalogRouter = router({
  list: listCatalogProcedure,
  get: getCatalogApiProcedure,
  plans: listCatalogPlansProcedure,
  apiCatalog: apiCatalogLinksetProcedure,
  llmsTxt: llmsTxtProcedure,
  markdown: apiMarkdownProcedure,
});
