'use client';

import { ZBasePath, ZName } from '@portico/config';
import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import {
  namedOptions,
  Select,
  TextInput,
  useForm,
  withPlaceholder,
} from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import { useInvalidate } from '../../../components/list-page';
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
  const services = useQuery(trpc.services.list.queryOptions());
  const form = useForm(
    ZImportForm,
    { name: '', serviceId: '', basePath: '', document: '' },
    (d) => ({ ...d, basePath: d.basePath === '' ? undefined : d.basePath }),
  );
  const invalidate = useInvalidate(trpc.apis.pathKey());
  const run = useMutation(trpc.apis.importOpenApi.mutationOptions({ onSuccess: invalidate }));
  return (
    <MutationForm
      form={form}
      error={run.error}
      onValid={async (input) => {
        await run.mutateAsync(input);
        onDone();
      }}
    >
      <div className="form-row">
        <TextInput path="name" label="API name" />
        <Select
          path="serviceId"
          label="Service"
          options={withPlaceholder('Choose a service', namedOptions(services.data))}
        />
        <TextInput path="basePath" label="Base path" hint="Blank: the document's server path." />
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
      <TextInput path="document" label="…or paste the document" multiline />
      <FormActions onCancel={onDone} submitLabel="Import" disabled={run.isPending} />
    </MutationForm>
  );
}
