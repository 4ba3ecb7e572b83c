import { compileDescriptorSet } from './descriptor-set';
import { compileProtoSet, type ProtoSet } from './proto-set';

/** Where a gRPC service's schema comes from: proto sources or a compiled descriptor set. */
export interface GrpcSchemaSource {
  readonly protoFiles?: Readonly<Record<string, string>>;
  readonly descriptorSet?: string;
}

/**
 * Compiles a service's schema from whichever source it carries; exactly one must be given.
 * `field` names the setting a refusal is about, for messages that point at it.
 */
export function compileGrpcSchema(
  source: GrpcSchemaSource,
): ProtoSet & { readonly field: 'protoFiles' | 'descriptorSet' } {
  const hasFiles = source.protoFiles !== undefined && Object.keys(source.protoFiles).length > 0;
  if (source.descriptorSet !== undefined) {
    if (hasFiles)
      return {
        ok: false,
        message: 'give either proto files or a descriptor set, not both',
        field: 'descriptorSet',
      };
    return { ...compileDescriptorSet(source.descriptorSet), field: 'descriptorSet' };
  }
  return { ...compileProtoSet(source.protoFiles ?? {}), field: 'protoFiles' };
}
