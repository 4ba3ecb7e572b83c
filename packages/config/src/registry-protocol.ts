import { isIP } from 'node:net';
import { z } from 'zod';
import { forbiddenTargetReason } from './target-address';

/**
 * The built-in registry's wire contract (`/registry/v1` on the control plane): the paths, the
 * request and response documents, and the change-index headers. The control plane serves it;
 * `@portico/register` and the discovery package's built-in adapter are its clients. Errors are
 * the shared problem document with a REGISTRY_ERRORS code.
 *
 * - `PUT    /registry/v1/services/:service/instances/:instanceId` (scope `register`), body
 *   ZRegisterBody: 200 ZRegisterResponse. Registers, or heartbeats an instance already there.
 * - `DELETE /registry/v1/services/:service/instances/:instanceId` (scope `register`): 204,
 *   idempotent.
 * - `GET    /registry/v1/services/:service[?index=N&wait=30s]` (scope `read`): 200
 *   ZRegistryServiceView. With `index`, a blocking query: answers when the service's index
 *   differs from N or `wait` (`30s`, `500ms`, `1m` or seconds) has passed.
 * - `GET    /registry/v1/services` (scope `read`): 200 ZRegistryServiceList.
 */
export const REGISTRY_BASE_PATH = '/registry/v1';
/** Response header: the service's change index after the call (pass it back as `?index=`). */
export const REGISTRY_INDEX_HEADER = 'x-portico-index';
/** Response header: the registry store's lifetime id (a new one means indexes restarted). */
export const REGISTRY_EPOCH_HEADER = 'x-portico-epoch';

/** A service's path (a type, so clients that build it by hand are checked against the contract). */
export type RegistryServicePath = `${typeof REGISTRY_BASE_PATH}/services/${string}`;
/** An instance's path, likewise. */
export type RegistryInstancePath = `${RegistryServicePath}/instances/${string}`;

/** The path of one service's instance set, below the control plane's base URL. */
export function registryServicePath(service: string): RegistryServicePath {
  return `${REGISTRY_BASE_PATH}/services/${encodeURIComponent(service)}`;
}

/** The path of one registered instance, below the control plane's base URL. */
export function registryInstancePath(service: string, instanceId: string): RegistryInstancePath {
  return `${registryServicePath(service)}/instances/${encodeURIComponent(instanceId)}`;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

export const ZServiceName = z
  .string()
  .min(1)
  .max(100)
  .regex(
    NAME,
    'a service name starts with a letter or digit and uses only letters, digits, ".", "_" and "-"',
  );

export const ZInstanceId = z
  .string()
  .min(1)
  .max(200)
  .regex(
    NAME,
    'an instance id starts with a letter or digit and uses only letters, digits, ".", "_" and "-"',
  );

function isHostName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return (
    name.length > 0 &&
    name.length <= 253 &&
    name.split('.').every((label) => HOST_LABEL.test(label))
  );
}

/** Where other services reach an instance: an IP address or a host name, never a forbidden target. */
export const ZInstanceAddress = z
  .string()
  .min(1, 'address must not be empty')
  .max(253)
  .superRefine((address, ctx) => {
    if (isIP(address) === 0 && !isHostName(address)) {
      ctx.addIssue({
        code: 'custom',
        message: `address ${JSON.stringify(address)} is neither an IP address nor a host name`,
      });
      return;
    }
    const reason = forbiddenTargetReason(address);
    if (reason) ctx.addIssue({ code: 'custom', message: `address ${address} ${reason}; refused` });
  });

/** The body of a registration (and of each heartbeat, which repeats it). */
export const ZRegisterBody = z.strictObject({
  address: ZInstanceAddress,
  port: z
    .number()
    .int('port must be an integer')
    .min(1, 'port must be 1-65535')
    .max(65535, 'port must be 1-65535'),
  metadata: z
    .record(z.string().max(100), z.string().max(1000))
    .refine((m) => Object.keys(m).length <= 64, 'metadata holds at most 64 entries')
    .default({}),
  ttlSeconds: z
    .number()
    .int()
    .min(2, 'ttlSeconds must be at least 2')
    .max(3600, 'ttlSeconds must be at most 3600')
    .default(30),
});
/** What the registry stores for a registration (defaults applied). */
export type RegisterBody = z.infer<typeof ZRegisterBody>;
/** What a client sends (metadata and ttlSeconds may be left out). */
export type RegisterRequest = z.input<typeof ZRegisterBody>;

/** One registered instance as the registry stores it. */
export const ZRegisteredInstance = z.object({
  id: z.string(),
  address: z.string(),
  port: z.number().int(),
  metadata: z.record(z.string(), z.string()),
  ttlSeconds: z.number().int(),
});
export type RegisteredInstance = z.infer<typeof ZRegisteredInstance>;

export const ZRegisterResponse = z.object({
  service: z.string(),
  instance: ZRegisteredInstance,
  /** False for a heartbeat that repeated the stored registration. */
  changed: z.boolean(),
  index: z.number().int().min(0),
});
export type RegisterResponse = z.infer<typeof ZRegisterResponse>;

export const ZLiveInstance = ZRegisteredInstance.extend({
  /** Epoch ms at which the instance disappears unless it heartbeats again. */
  expiresAt: z.number(),
});
export type LiveInstance = z.infer<typeof ZLiveInstance>;

export const ZRegistryServiceView = z.object({
  service: z.string(),
  /** Grows on every change to the service's instance set; 0 for a service never seen. */
  index: z.number().int().min(0),
  /** Random id of this store's lifetime; a new one means indexes restarted. */
  epoch: z.string(),
  /**
   * How the service last became empty: `deregistered` (an explicit DELETE of its last instance,
   * which watchers may act on) or `expired` (TTLs ran out, possibly because the control plane was
   * down); null while it has instances or was never seen.
   */
  emptiedBy: z.enum(['deregistered', 'expired']).nullable(),
  instances: z.array(ZLiveInstance),
});
export type RegistryServiceView = z.infer<typeof ZRegistryServiceView>;

export const ZRegistryServiceList = z.object({ services: z.array(z.string()) });
export type RegistryServiceList = z.infer<typeof ZRegistryServiceList>;
