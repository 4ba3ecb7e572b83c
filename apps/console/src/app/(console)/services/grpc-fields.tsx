'use client';

import type { GrpcSettings } from '@portico/config';
import { Radios } from '../../../components/fields';

const PROTOCOLS = [
  { value: 'http', label: 'HTTP' },
  { value: 'grpc', label: 'gRPC (REST to gRPC transcoding)' },
] as const;

const SOURCES = [
  { value: 'proto', label: 'Upload .proto sources' },
  { value: 'descriptor', label: 'Upload a compiled descriptor set' },
  { value: 'reflection', label: 'Ask the instances (server reflection)' },
] as const;
type SchemaSource = (typeof SOURCES)[number]['value'];

function sourceOf(grpc: GrpcSettings): SchemaSource {
  if (grpc.reflection === true) return 'reflection';
  return grpc.descriptorSet !== undefined ? 'descriptor' : 'proto';
}

/** The schema when the source changes: each source stands alone (the control plane refuses mixes). */
function switchedTo(source: SchemaSource): GrpcSettings {
  if (source === 'reflection') return { reflection: true };
  if (source === 'descriptor') return { descriptorSet: '' };
  return { protoFiles: {} };
}

/** Base64 of a file's bytes, in chunks (one spread of a large array overflows the call stack). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * What the gateway speaks to the instances, and for gRPC where the schema comes from: proto
 * files or a compiled descriptor set (`protoc --include_imports --descriptor_set_out`) uploaded
 * here and stored with the service, which the control plane compiles on save and refuses with
 * the compiler's message; or server reflection, which each gateway asks an instance for.
 */
export function GrpcFields({
  protocol,
  grpc,
  onChange,
}: {
  protocol: 'http' | 'grpc';
  grpc: GrpcSettings;
  onChange: (protocol: 'http' | 'grpc', grpc: GrpcSettings) => void;
}) {
  const source = sourceOf(grpc);
  return (
    <fieldset>
      <legend>Protocol</legend>
      <Radios
        name="protocol"
        value={protocol}
        options={PROTOCOLS}
        onChange={(value) => onChange(value, grpc)}
      />
      {protocol === 'grpc' ? (
        <div className="form">
          <Radios
            name="grpc-schema-source"
            value={source}
            options={SOURCES}
            onChange={(value) => onChange('grpc', switchedTo(value))}
          />
          {source === 'proto' ? (
            <ProtoFiles
              files={grpc.protoFiles ?? {}}
              onChange={(protoFiles) => onChange('grpc', { protoFiles })}
            />
          ) : source === 'descriptor' ? (
            <label className="field">
              <span className="field-label">Descriptor set file</span>
              <input
                type="file"
                accept=".pb,.binpb,.desc,.protoset"
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  if (file) onChange('grpc', { descriptorSet: await base64Of(file) });
                  e.target.value = '';
                }}
              />
              <span className="hint" data-testid="descriptor-set-state">
                {grpc.descriptorSet
                  ? `A descriptor set is loaded (${Math.floor((grpc.descriptorSet.length * 3) / 4)} bytes).`
                  : 'The file protoc writes with --include_imports --descriptor_set_out.'}
              </span>
            </label>
          ) : (
            <p className="muted">
              Each gateway downloads the schema from a healthy instance over gRPC server reflection
              once the version is live; until then transcoded calls are answered 502.
            </p>
          )}
        </div>
      ) : null}
    </fieldset>
  );
}

function ProtoFiles({
  files,
  onChange,
}: {
  files: Record<string, string>;
  onChange: (files: Record<string, string>) => void;
}) {
  const names = Object.keys(files).sort();
  return (
    <>
      <label className="field">
        <span className="field-label">Proto files</span>
        <input
          type="file"
          accept=".proto"
          multiple
          onChange={async (e) => {
            const chosen = [...(e.target.files ?? [])];
            const added: Record<string, string> = { ...files };
            // Stored under their names: imports between them must use the same names.
            for (const file of chosen) added[file.name] = await file.text();
            onChange(added);
            e.target.value = '';
          }}
        />
        <span className="hint">
          Imports may name these files, google/protobuf/*.proto and google/api/annotations.proto.
        </span>
      </label>
      {names.length === 0 ? (
        <p className="muted">No proto files yet.</p>
      ) : (
        <ul>
          {names.map((name) => (
            <li key={name}>
              <code>{name}</code>{' '}
              <button
                type="button"
                className="danger small"
                onClick={() => {
                  const { [name]: _removed, ...rest } = files;
                  onChange(rest);
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
