import type { ServiceSettings } from '@portico/config';
import { compileProtoSet } from '@portico/grpc-schema';

/**
 * Why a service's gRPC settings cannot be used, or null when they can. The proto files are
 * compiled here exactly as gateways compile them at apply, so a bad proto is refused before
 * anything is written, with the compiler's message (file and line).
 */
export function grpcSettingsProblem(name: string, settings: ServiceSettings): string | null {
  if (settings.protocol !== 'grpc') {
    return settings.grpc === undefined
      ? null
      : `grpc: service ${name} carries proto files but does not say protocol: grpc`;
  }
  const files = settings.grpc?.protoFiles ?? {};
  if (Object.keys(files).length === 0)
    return `grpc.protoFiles: service ${name} speaks gRPC and needs its proto files`;
  const set = compileProtoSet(files);
  return set.ok ? null : `grpc.protoFiles: service ${name}: ${set.message}`;
}
