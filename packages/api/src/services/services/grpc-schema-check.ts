import type { ServiceSettings } from '@portico/config';
import { compileGrpcSchema } from '@portico/grpc-schema';

/**
 * Why a service's gRPC settings cannot be used, or null when they can. The proto files (or the
 * descriptor set) are compiled here exactly as gateways compile them at apply, so a bad schema
 * is refused before anything is written, with the compiler's message (file and line).
 */
export function grpcSettingsProblem(name: string, settings: ServiceSettings): string | null {
  if (settings.protocol !== 'grpc') {
    return settings.grpc === undefined
      ? null
      : `grpc: service ${name} carries a gRPC schema but does not say protocol: grpc`;
  }
  const grpc = settings.grpc ?? {};
  if (grpc.reflection === true) {
    return Object.keys(grpc.protoFiles ?? {}).length > 0 || grpc.descriptorSet !== undefined
      ? `grpc.reflection: service ${name}: give reflection: true or a schema (protoFiles, descriptorSet), not both`
      : null;
  }
  if (Object.keys(grpc.protoFiles ?? {}).length === 0 && grpc.descriptorSet === undefined)
    return `grpc.protoFiles: service ${name} speaks gRPC and needs its proto files (or grpc.descriptorSet, or grpc.reflection: true)`;
  const set = compileGrpcSchema(grpc);
  return set.ok ? null : `grpc.${set.field}: service ${name}: ${set.message}`;
}
