export { backoffDelayMs } from './backoff';
export { createDiscoveryAdapter } from './create-discovery-adapter';
export { InstanceTracker } from './instance-tracker';
export type {
  DiscoveryAdapter,
  DiscoveryDeps,
  DiscoveryLogger,
  DiscoveryStatus,
  InstanceUpdate,
  ServiceInstance,
  ServiceRef,
} from './types';
