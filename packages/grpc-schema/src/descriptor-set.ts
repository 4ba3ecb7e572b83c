import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import { GOOGLE_API_HTTP_PROTO, HTTP_RULE_FIELD } from './google-api-http';
import { type ProtoSet, protoSetOf } from './proto-set';

interface DescriptorTypes {
  readonly set: protobuf.Type;
  readonly httpRule: protobuf.Type;
}

let types: DescriptorTypes | null = null;

/**
 * descriptor.proto as protobufjs ships it, in a private root that also knows the
 * `google.api.http` method option, so decoding a descriptor set keeps the HTTP annotations
 * (protobufjs drops fields a type does not declare). Built once, on first use.
 */
function descriptorTypes(): DescriptorTypes {
  if (types !== null) return types;
  const require = createRequire(import.meta.url);
  const root = protobuf.Root.fromJSON(require('protobufjs/google/protobuf/descriptor.json'));
  protobuf.parse(GOOGLE_API_HTTP_PROTO, root);
  root
    .lookupType('google.protobuf.MethodOptions')
    .add(new protobuf.Field('.google.api.http', HTTP_RULE_FIELD, '.google.api.HttpRule'));
  root.resolveAll();
  types = {
    set: root.lookupType('google.protobuf.FileDescriptorSet'),
    httpRule: root.lookupType('google.api.HttpRule'),
  };
  return types;
}

/** What `protobufjs/ext/descriptor` adds to Root (its typings do not declare it). */
interface DescriptorRoot {
  fromDescriptor(set: protobuf.Message): protobuf.Root;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

interface FileDescriptor {
  package?: string;
  service?: { name?: string; method?: { name?: string; options?: Record<string, unknown> }[] }[];
}

/**
 * Compiles a `FileDescriptorSet` (`protoc --include_imports --descriptor_set_out`, base64) into
 * the same methods proto sources give, `google.api.http` annotations included. A set that is
 * not base64, does not decode, or leaves a type unresolved is refused with a message saying so.
 */
export function compileDescriptorSet(base64: string): ProtoSet {
  const text = base64.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text))
    return { ok: false, message: 'the descriptor set is not base64 text' };
  const { set: setType, httpRule } = descriptorTypes();
  let decoded: protobuf.Message & { file?: FileDescriptor[] };
  try {
    decoded = setType.decode(Buffer.from(text, 'base64'));
  } catch (error) {
    return {
      ok: false,
      message: `the descriptor set is not a FileDescriptorSet (${(error as Error).message})`,
    };
  }
  if ((decoded.file ?? []).length === 0)
    return { ok: false, message: 'the descriptor set holds no file' };
  let root: protobuf.Root;
  try {
    root = (protobuf.Root as unknown as DescriptorRoot).fromDescriptor(decoded);
    root.resolveAll();
  } catch (error) {
    return {
      ok: false,
      message: `the descriptor set does not link: ${(error as Error).message} (build it with protoc --include_imports so imported files travel with it)`,
    };
  }
  for (const file of decoded.file ?? []) {
    const prefix = file.package ? `${file.package}.` : '';
    for (const service of file.service ?? []) {
      for (const method of service.method ?? []) {
        const rule = method.options?.['.google.api.http'];
        if (rule === undefined || rule === null) continue;
        const found = root.lookup(`${prefix}${service.name}`);
        const target = found instanceof protobuf.Service ? found.methods[method.name ?? ''] : null;
        if (target === null || target === undefined) continue;
        // Read as the proto parser reads an option, so one code path turns rules into bindings.
        target.parsedOptions = [
          { '(google.api.http)': httpRule.toObject(rule as protobuf.Message) },
        ];
      }
    }
  }
  return protoSetOf(root, 'the descriptor set declares no service with a method');
}

/** An option value as the proto parser reads it (snake_case keys) in the field names protobufjs uses. */
function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    // The parser gives a repeated option field written once as a single object.
    out[name] =
      name === 'additionalBindings' && !Array.isArray(inner)
        ? [camelCased(inner)]
        : camelCased(inner);
  }
  return out;
}

/**
 * A descriptor set (base64) for proto sources, as `protoc --include_imports
 * --descriptor_set_out` would write it, HTTP annotations included.
 */
export function descriptorSetOf(root: protobuf.Root): string {
  const { set: setType, httpRule } = descriptorTypes();
  const plain = setType.toObject(
    (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3'),
  ) as { file?: FileDescriptor[] };
  for (const file of plain.file ?? []) {
    const prefix = file.package ? `${file.package}.` : '';
    for (const service of file.service ?? []) {
      const found = root.lookup(`${prefix}${service.name}`);
      if (!(found instanceof protobuf.Service)) continue;
      for (const method of service.method ?? []) {
        const parsed = found.methods[method.name ?? '']?.parsedOptions ?? [];
        for (const option of parsed) {
          const rule = (option as Record<string, unknown>)['(google.api.http)'];
          if (rule === undefined || rule === null || typeof rule !== 'object') continue;
          method.options = {
            ...method.options,
            '.google.api.http': httpRule.toObject(httpRule.fromObject(camelCased(rule) as object)),
          };
        }
      }
    }
  }
  return Buffer.from(setType.encode(setType.fromObject(plain)).finish()).toString('base64');
}
