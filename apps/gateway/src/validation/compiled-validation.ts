import type { SnapshotApi, ValidationMode } from '@portico/config';
import { OpenApiValidator } from './openapi-validator';

export type RouteValidationMode = ValidationMode | 'off';

/** An API's request validation, compiled once when its config version is applied. */
export interface CompiledValidation {
  readonly validator: OpenApiValidator;
  readonly mode: ValidationMode;
  /** Route id → mode, for routes the API's `validation.routes` names. */
  readonly routeModes: ReadonlyMap<string, RouteValidationMode>;
  readonly reportResponses: boolean;
}

/**
 * Compiles an API's validation settings and OpenAPI document, or returns null when validation
 * is off. Throws naming the API (and the route or operation) when it cannot compile, so the
 * version is refused rather than half-applied.
 */
export function compileValidation(api: SnapshotApi): CompiledValidation | null {
  const settings = api.policies.validation;
  if (settings === undefined) return null;
  const where = `API ${api.name} validation`;
  if (api.openApi === undefined) throw new Error(`${where}: the API has no OpenAPI document`);
  const routeModes = new Map<string, RouteValidationMode>();
  for (const [name, mode] of Object.entries(settings.routes)) {
    const route = api.routes.find((r) => r.name === name);
    if (route === undefined) throw new Error(`${where}: routes.${name} names no route of the API`);
    routeModes.set(route.id, mode);
  }
  let validator: OpenApiValidator;
  try {
    validator = new OpenApiValidator(api.openApi);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  return {
    validator,
    mode: settings.mode,
    routeModes,
    reportResponses: settings.responses === 'report',
  };
}

/** The mode a request on `routeId` runs in (null: the API's catch-all route). */
export function validationModeFor(
  validation: CompiledValidation,
  routeId: string | null,
): RouteValidationMode {
  return (routeId === null ? undefined : validation.routeModes.get(routeId)) ?? validation.mode;
}
