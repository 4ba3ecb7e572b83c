'use client';

import {
  HTTP_METHODS,
  ZApiAuth,
  ZApiHost,
  ZApiPolicies,
  ZBasePath,
  ZCors,
  ZMcpSettings,
  ZName,
  ZRoute,
} from '@portico/config';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import {
  Checkbox,
  type Form,
  ListInput,
  NumberInput,
  RecordInput,
  Select,
  TextInput,
  useForm,
} from '../../../components/fields';
import { ErrorAlert } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type ApiView = RouterOutputs['apis']['list'][number];

const ZApiForm = z.object({
  name: ZName,
  description: z.string().max(5000).optional(),
  version: z.string().min(1, 'must not be empty').max(50),
  basePath: ZBasePath,
  hosts: z.array(ZApiHost).max(100),
  stripBasePath: z.boolean(),
  visibility: z.enum(['public', 'private']),
  serviceId: z.string().min(1, 'choose the service this API routes to'),
  auth: ZApiAuth,
  policies: ZApiPolicies,
  routes: z.array(ZRoute).max(2000),
  mcp: ZMcpSettings.nullable(),
});

type Draft = {
  name: string;
  description: string;
  version: string;
  basePath: string;
  hosts: string[];
  stripBasePath: boolean;
  visibility: 'public' | 'private';
  serviceId: string;
  auth: Record<string, unknown>;
  policies: Record<string, unknown>;
  routes: { name?: string; methods: string[]; path: string }[];
  mcp: Record<string, unknown> | null;
};

function initialDraft(api: ApiView | null): Draft {
  return {
    name: api?.name ?? '',
    description: api?.description ?? '',
    version: api?.version ?? 'v1',
    basePath: api?.basePath ?? '/',
    hosts: api?.hosts ?? [],
    stripBasePath: api?.stripBasePath ?? true,
    visibility: api?.visibility ?? 'public',
    serviceId: api?.serviceId ?? '',
    auth: api?.auth ?? { type: 'key' },
    policies: api?.policies ?? ZApiPolicies.parse({}),
    routes: api?.routes.map((r) => ({
      ...(r.name ? { name: r.name } : {}),
      methods: r.methods,
      path: r.path,
    })) ?? [{ methods: [], path: '/*' }],
    mcp: api?.mcp ?? null,
  };
}

function toInput(d: Draft) {
  return { ...d, description: d.description === '' ? undefined : d.description };
}

/** Routes: methods (none = any) and a path pattern under the base path. */
function RoutesEditor({ form, routes }: { form: Form; routes: Draft['routes'] }) {
  const [keys, setKeys] = useState(() => routes.map((_, i) => i));
  return (
    <fieldset>
      <legend>Routes</legend>
      <p className="muted" style={{ marginTop: 0 }}>
        Paths are relative to the base path: literal segments, <code>:param</code> and a final{' '}
        <code>*</code>. No methods ticked means any method.
      </p>
      {routes.length === 0 ? (
        <p className="alert warn" data-testid="no-routes-note">
          No routes: the gateway serves every method and every path under the base path. Add routes
          to expose only some of them.
        </p>
      ) : null}
      {routes.map((route, i) => (
        <div
          key={keys[i] ?? i}
          className="form-row"
          style={{ alignItems: 'end', marginBottom: 10 }}
        >
          <TextInput form={form} path={`routes.${i}.path`} label={`Route ${i + 1} path`} />
          <div className="field">
            <span className="field-label">Methods</span>
            <div className="toolbar" style={{ margin: 0 }}>
              {HTTP_METHODS.map((m) => (
                <label key={m} className="check">
                  <input
                    type="checkbox"
                    checked={route.methods.includes(m)}
                    onChange={(e) =>
                      form.set(
                        `routes.${i}.methods`,
                        e.target.checked
                          ? [...route.methods, m]
                          : route.methods.filter((x) => x !== m),
                      )
                    }
                  />
                  {m}
                </label>
              ))}
            </div>
          </div>
          <button
            type="button"
            className="danger small"
            onClick={() => {
              form.set(
                'routes',
                routes.filter((_, j) => j !== i),
              );
              setKeys((k) => k.filter((_, j) => j !== i));
            }}
          >
            Remove route
          </button>
        </div>
      ))}
      <button
        type="button"
        className="small"
        onClick={() => {
          form.set('routes', [...routes, { methods: [], path: '/' }]);
          setKeys((k) => [...k, Math.max(-1, ...k) + 1]);
        }}
      >
        Add route
      </button>
    </fieldset>
  );
}

/**
 * MCP: the gateway answers MCP for this API, with one tool per operation of its OpenAPI
 * document (which must be imported first), or relaying to the service when it is an MCP server.
 */
function McpSettings({
  form,
  mcp,
  hasDocument,
}: {
  form: Form;
  mcp: Draft['mcp'];
  hasDocument: boolean;
}) {
  const enabled = mcp?.enabled === true;
  const fromUpstream = mcp?.source === 'upstream';
  return (
    <fieldset>
      <legend>MCP</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) =>
            form.set('mcp', { ...ZMcpSettings.parse(mcp ?? {}), enabled: e.target.checked })
          }
        />
        Serve this API to MCP clients (agents)
      </label>
      {enabled ? (
        <>
          <div className="form-row">
            <div className="field">
              <label htmlFor="mcp-source">Tools</label>
              <select
                id="mcp-source"
                value={fromUpstream ? 'upstream' : 'openapi'}
                onChange={(e) => form.set('mcp.source', e.target.value)}
              >
                <option value="openapi">One per operation of the OpenAPI document</option>
                <option value="upstream">The service's own (it is an MCP server)</option>
              </select>
            </div>
            <TextInput
              form={form}
              path="mcp.path"
              label="Endpoint path"
              hint="Below the base path."
              placeholder="/mcp"
            />
            {fromUpstream ? (
              <TextInput
                form={form}
                path="mcp.upstreamPath"
                label="Service's MCP path"
                placeholder="/mcp"
              />
            ) : null}
          </div>
          {!fromUpstream && !hasDocument ? (
            <p className="error">
              Import an OpenAPI document for this API first: tools are made from its operations.
            </p>
          ) : null}
          <div className="form-row">
            <ListInput
              form={form}
              path="mcp.include"
              label={fromUpstream ? 'Only these tools' : 'Only these operations'}
              hint={
                fromUpstream
                  ? 'Tool names; empty offers all.'
                  : 'operationId or “GET /path”; empty offers all.'
              }
            />
            <ListInput
              form={form}
              path="mcp.exclude"
              label={fromUpstream ? 'Never these tools' : 'Never these operations'}
            />
          </div>
        </>
      ) : null}
      {form.error('mcp') ? <span className="error">{form.error('mcp')}</span> : null}
    </fieldset>
  );
}

/** Create or edit an API: where it listens, which service it routes to, auth, policies, routes. */
export function ApiForm({ api, onDone }: { api: ApiView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.services.list.queryOptions());
  const form = useForm(ZApiForm, initialDraft(api), toInput);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.apis.pathKey() });
  const create = useMutation(trpc.apis.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.apis.update.mutationOptions({ onSuccess: invalidate }));
  const d = form.draft;
  const authType = typeof d.auth.type === 'string' ? d.auth.type : 'key';

  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (!input) return;
        try {
          if (api) {
            await update.mutateAsync({
              id: api.id,
              ...input,
              description: input.description ?? null,
            });
          } else {
            const { mcp, ...rest } = input;
            await create.mutateAsync(mcp === null ? rest : { ...rest, mcp });
          }
          onDone();
        } catch {
          // Shown from the mutation's error.
        }
      }}
    >
      <ErrorAlert error={create.error ?? update.error} />
      <div className="form-row">
        <TextInput form={form} path="name" label="Name" placeholder="orders-api" />
        <TextInput form={form} path="version" label="Version" />
        <Select
          form={form}
          path="serviceId"
          label="Service"
          options={[
            {
              value: '',
              label: services.data?.length ? 'Choose a service' : 'Create a service first',
            },
            ...(services.data ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
      </div>
      <TextInput form={form} path="description" label="Description" />
      <div className="form-row">
        <TextInput form={form} path="basePath" label="Base path" placeholder="/orders" />
        <ListInput
          form={form}
          path="hosts"
          label="Hosts"
          hint="Empty answers on any host."
          placeholder="api.example.com"
        />
        <Select form={form} path="visibility" label="Visibility" options={['public', 'private']} />
      </div>
      <Checkbox form={form} path="stripBasePath" label="Strip the base path before forwarding" />

      <fieldset>
        <legend>Authentication</legend>
        <div className="form-row">
          <div className="field">
            <label htmlFor="auth-type">Auth type</label>
            <select
              id="auth-type"
              value={authType}
              onChange={(e) =>
                form.set(
                  'auth',
                  e.target.value === 'jwt'
                    ? { type: 'jwt', jwksUrl: '', algorithms: ['RS256', 'ES256'] }
                    : { type: e.target.value },
                )
              }
            >
              <option value="key">API key</option>
              <option value="jwt">JWT</option>
              <option value="none">None (public)</option>
            </select>
          </div>
          {authType === 'key' ? (
            <TextInput
              form={form}
              path="auth.queryParam"
              label="Query parameter"
              hint="Optional; the x-api-key header always works."
            />
          ) : null}
          {authType === 'jwt' ? (
            <>
              <TextInput form={form} path="auth.jwksUrl" label="JWKS URL" />
              <TextInput form={form} path="auth.issuer" label="Issuer" />
              <TextInput form={form} path="auth.audience" label="Audience" />
              <ListInput
                form={form}
                path="auth.requiredScopes"
                label="Required scopes"
                hint="Every token must grant these (scope or scp claim). Per-route scopes: the YAML's routeScopes."
              />
            </>
          ) : null}
        </div>
        {form.error('auth') ? <span className="error">{form.error('auth')}</span> : null}
      </fieldset>

      <RoutesEditor form={form} routes={d.routes} />

      <McpSettings form={form} mcp={d.mcp} hasDocument={api?.hasOpenApiDocument ?? false} />

      <fieldset>
        <legend>CORS</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={d.policies.cors !== undefined}
            onChange={(e) =>
              form.set('policies.cors', e.target.checked ? ZCors.parse({}) : undefined)
            }
          />
          Answer CORS requests
        </label>
        {d.policies.cors !== undefined ? (
          <div className="form-row">
            <ListInput form={form} path="policies.cors.allowOrigins" label="Allowed origins" />
            <ListInput form={form} path="policies.cors.allowHeaders" label="Allowed headers" />
            <NumberInput form={form} path="policies.cors.maxAgeSeconds" label="Max age (s)" />
          </div>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Client IPs and limits</legend>
        <div className="form-row">
          <ListInput
            form={form}
            path="policies.ipAllow"
            label="Allow (CIDR)"
            hint="Empty allows all."
          />
          <ListInput form={form} path="policies.ipDeny" label="Deny (CIDR)" />
        </div>
        <div className="form-row">
          <NumberInput form={form} path="policies.maxBodyBytes" label="Max body (bytes)" />
          <NumberInput form={form} path="policies.maxHeaderBytes" label="Max headers (bytes)" />
        </div>
      </fieldset>

      <fieldset>
        <legend>Header transforms</legend>
        <div className="form-row">
          <RecordInput form={form} path="policies.requestHeaders.add" label="Add to requests" />
          <ListInput
            form={form}
            path="policies.requestHeaders.remove"
            label="Remove from requests"
          />
        </div>
        <div className="form-row">
          <RecordInput form={form} path="policies.responseHeaders.add" label="Add to responses" />
          <ListInput
            form={form}
            path="policies.responseHeaders.remove"
            label="Remove from responses"
          />
        </div>
      </fieldset>

      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
          {api ? 'Save API' : 'Create API'}
        </button>
      </div>
    </form>
  );
}
