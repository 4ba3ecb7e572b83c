/** The operator's side of the portal spec, made through the control plane's API. */
import type { StackInfo } from '../stack/stack-info';
import { trpcMutation } from '../stack/trpc-http';

/** The weather API's OpenAPI document: its reference is what the portal renders. */
const WEATHER_OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: {
    title: 'Weather',
    version: '1.0.0',
    description: 'Forecasts and observations for any city.',
  },
  servers: [{ url: 'https://weather.example.com/weather' }],
  paths: {
    '/forecast': {
      get: {
        summary: 'Get the forecast',
        operationId: 'getForecast',
        parameters: [{ name: 'city', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'The forecast for the next days' } },
      },
    },
    '/cities/{id}': {
      get: {
        summary: 'Get a city',
        operationId: 'getCity',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'One city' } },
      },
    },
  },
});

/**
 * A service in front of the test upstream, an API imported from its OpenAPI document, two listed
 * plans (starter, and pro needing approval), the portal's branding and public gateway URL, then
 * a publish so the gateway routes the API.
 */
export async function publishWeatherForThePortal(stack: StackInfo): Promise<void> {
  const bearer = { bearer: stack.ownerToken };
  // The operator's side, through the control plane's API: a service in front of the test
  // upstream, an API imported from its OpenAPI document, two listed plans, the portal's
  // branding and public gateway URL, then a publish so the gateway routes the API.
  const service = await trpcMutation<{ id: string }>(
    stack.controlUrl,
    'services.create',
    { name: 'weather-svc', targets: [{ host: '127.0.0.1', port: stack.upstreamPort }] },
    bearer,
  );
  const imported = await trpcMutation<{ api: { id: string } } | { id: string }>(
    stack.controlUrl,
    'apis.importOpenApi',
    { name: 'weather', serviceId: service.id, basePath: '/weather', document: WEATHER_OPENAPI },
    bearer,
  );
  const apiId = 'api' in imported ? imported.api.id : imported.id;
  const plan = (fields: Record<string, unknown>) =>
    trpcMutation<{ id: string }>(
      stack.controlUrl,
      'plans.create',
      { ...fields, apiIds: [apiId] },
      bearer,
    );
  const starter = await plan({
    name: 'starter',
    description: 'For trying things out',
    rateLimit: { requests: 3, per: 'second' },
    quota: { requests: 10_000, per: 'day' },
  });
  const pro = await plan({
    name: 'pro',
    description: 'Production traffic, reviewed by us',
    rateLimit: { requests: 100, per: 'second' },
    quota: { requests: 1_000_000, per: 'month' },
    approvalRequired: true,
  });
  await trpcMutation(
    stack.controlUrl,
    'portalAdmin.settings.update',
    {
      portalName: 'Acme APIs',
      accentColor: '#0f766e',
      signUpMode: 'open',
      publicGatewayUrl: stack.gatewayUrl,
      listedApiIds: [apiId],
      listedPlanIds: [starter.id, pro.id],
    },
    bearer,
  );
  await trpcMutation(
    stack.controlUrl,
    'config.publish',
    { message: 'weather for the portal' },
    bearer,
  );
}
