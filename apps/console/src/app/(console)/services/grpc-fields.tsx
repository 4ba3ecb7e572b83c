'use client';

import { Radios } from '../../../components/fields';

const PROTOCOLS = [
  { value: 'http', label: 'HTTP' },
  { value: 'grpc', label: 'gRPC (REST to gRPC transcoding)' },
] as const;

/**
 * What the gateway speaks to the instances. For gRPC the proto files are uploaded here and stored
 * with the service; the control plane compiles them on save and shows the compiler's message.
 */
export function GrpcFields({
  protocol,
  protoFiles,
  onChange,
}: {
  protocol: 'http' | 'grpc';
  protoFiles: Record<string, string>;
  onChange: (protocol: 'http' | 'grpc', protoFiles: Record<string, string>) => void;
}) {
  const names = Object.keys(protoFiles).sort();
  return (
    <fieldset>
      <legend>Protocol</legend>
      <Radios
        name="protocol"
        value={protocol}
        options={PROTOCOLS}
        onChange={(value) => onChange(value, protoFiles)}
      />
      {protocol === 'grpc' ? (
        <div className="form">
          <label className="field">
            <span className="field-label">Proto files</span>
            <input
              type="file"
              accept=".proto"
              multiple
              onChange={async (e) => {
                const files = [...(e.target.files ?? [])];
                const added: Record<string, string> = { ...protoFiles };
                // Stored under their names: imports between them must use the same names.
                for (const file of files) added[file.name] = await file.text();
                onChange('grpc', added);
                e.target.value = '';
              }}
            />
            <span className="hint">
              Imports may name these files, google/protobuf/*.proto and
              google/api/annotations.proto.
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
                      const { [name]: _removed, ...rest } = protoFiles;
                      onChange('grpc', rest);
                    }}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </fieldset>
  );
}
