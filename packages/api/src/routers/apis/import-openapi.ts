import { ZApiPolicies } from '@portico/config';
import { recordAudit } from '../../audit/record-audit';
import { attachOpenApi, createApi } from '../../services/apis/apis';
import { assertOpenApiSize, routesFromOpenApi } from '../../services/apis/openapi-routes';
import { badRequest } from '../../services/shared/domain-errors';
import { operatorProcedure } from '../../trpc';
import { ZImportOpenApiInput } from './import-openapi.types';

export const importOpenApiProcedure = operatorProcedure('editor')
  .input(ZImportOpenApiInput)
  .mutation(({ ctx, input }) => {
    assertOpenApiSize(input.document);
    const parsed = routesFromOpenApi(input.document);
    return ctx.db.$transaction(async (tx) => {
      const now = ctx.now();
      if (input.apiId) {
        const { before, after } = await attachOpenApi(
          tx,
          input.apiId,
          input.document,
          parsed.routes,
          input.replaceRoutes,
          now,
        );
        await recordAudit(tx, ctx, {
          action: 'api.import_openapi',
          targetType: 'api',
          targetId: after.id,
          before,
          after,
        });
        return { api: after, routesImported: parsed.routes.length, created: false };
      }
      if (!input.name)
        throw badRequest('name: required when the import creates a new API (or pass apiId)');
      if (!input.serviceId)
        throw badRequest('serviceId: required when the import creates a new API (or pass apiId)');
      const basePath = input.basePath ?? parsed.serverBasePath;
      if (!basePath)
        throw badRequest('basePath: required; the document names no server path to default to');
      const api = await createApi(
        tx,
        {
          name: input.name,
          description: parsed.title ?? undefined,
          version: 'v1',
          basePath,
          hosts: input.hosts,
          stripBasePath: true,
          visibility: 'public',
          serviceId: input.serviceId,
          auth: input.auth,
          policies: ZApiPolicies.parse({}),
          routes: parsed.routes,
          openApiDocument: input.document,
        },
        now,
      );
      await recordAudit(tx, ctx, {
        action: 'api.import_openapi',
        targetType: 'api',
        targetId: api.id,
        after: api,
      });
      return { api, routesImported: parsed.routes.length, created: true };
    });
  });
