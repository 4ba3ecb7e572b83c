/**
 * The closed error catalogues of the control plane's machine surfaces, part of their wire
 * contract: gateways and registering services read these codes from the problem+json they get.
 * docs/errors.md lists every code (a test keeps the two equal).
 */

/** `/dp/v1`, the data-plane sync API. */
export const DP_ERRORS = {
  DP_INVALID_INPUT: { status: 400, title: 'Invalid input' },
  DP_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  DP_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  DP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  DP_INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type DataPlaneErrorCode = keyof typeof DP_ERRORS;

/** `/registry/v1`, the built-in service registry. */
export const REGISTRY_ERRORS = {
  REG_INVALID_INPUT: { status: 400, title: 'Invalid input' },
  REG_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  REG_FORBIDDEN: { status: 403, title: 'Forbidden' },
  REG_NOT_FOUND: { status: 404, title: 'Not found' },
  REG_UNAVAILABLE: { status: 503, title: 'Registry store unavailable' },
  REG_INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;
