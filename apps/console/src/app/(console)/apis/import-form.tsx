'use client';

import { ZBasePath, ZName } from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { Select, TextInput, useForm } from '../../../components/fields';
import { ErrorAlert } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';

const ZImportForm = z.object({
  name: ZName,
  serviceId: z.string().min(1, 'choose the service this API routes to'),
  basePath: ZBasePath.optional(),
  document: z.string().min(1, 'paste or upload an OpenAPI document'),
});

/** A new API from an OpenAPI document (JSON or YAML): routes from its paths, docs kept. */
export function ImportOpenApiForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.services.list.queryOptions());
  const form = useForm(
    ZImportForm,
    { name: '', serviceId: '', basePath: '', document: '' },
    (d) => ({ ...d, basePath: d.basePath === '' ? undefined : d.basePath }),
  );
  const run = useMutation(
    trpc.apis.importOpenApi.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apis.pathKey() }),
    }),
  );
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        try {
          await run.mutateAsync(input);
          onDone();
        } catch {
          // Shown below.
        }
      }}
    >
      <ErrorAlert error={run.error} />
      <div className="form-row">
        <TextInput form={form} path="name" label="API name" />
        <Select
          form={form}
          path="serviceId"
          label="Service"
          options={[
            { value: '', label: 'Choose a service' },
            ...(services.data ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
        <TextInput
          form={form}
          path="basePath"
          label="Base path"
          hint="Blank: the document's server path."
        />
      </div>
      <div className="field">
        <label htmlFor="openapi-file">Upload a file</label>
        <input
          id="openapi-file"
          type="file"
          accept=".json,.yaml,.yml,application/json,application/yaml"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) form.set('document', await file.text());
          }}
        />
      </div>
      <TextInput form={form} path="document" label="…or paste the document" multiline />
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={run.isPending}>
          Import
        </button>
      </div>
    </form>
  );
}
