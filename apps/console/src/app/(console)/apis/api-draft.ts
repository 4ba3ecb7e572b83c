import { ZApiFields, ZApiPolicies } from '@portico/config';
import { z } from 'zod';
import type { RouterOutputs } from '../../../lib/trpc';

export type ApiView = RouterOutputs['apis']['list'][number];

/** The server's API fields, with what the form holds differently: no slug, a chosen service. */
export const ZApiForm = ZApiFields.extend({
  description: ZApiFields.shape.description.optional(),
  serviceId: z.string().min(1, 'choose the service this API routes to'),
  mcp: ZApiFields.shape.mcp.nullable(),
});

/**
 * The form's copy of an API: the view's plain fields as they are, the description as text, and the
 * structured parts as the loose objects their field groups edit (the schema checks them on save).
 */
export type Draft = Pick<
  ApiView,
  'name' | 'version' | 'basePath' | 'hosts' | 'stripBasePath' | 'visibility' | 'serviceId'
> & {
  description: string;
  auth: Record<string, unknown>;
  policies: Record<string, unknown>;
  routes: { name?: string; methods: string[]; path: string }[];
  mcp: Record<string, unknown> | null;
  tags: string[];
};

export function initialDraft(api: ApiView | null): Draft {
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
    tags: api?.tags ?? [],
  };
}

export function toInput(d: Draft) {
  return {
    ...d,
    description: d.description === '' ? undefined : d.description,
    // An emptied optional field (realm, consumer claim, issuer) means "use the default".
    auth: Object.fromEntries(Object.entries(d.auth).filter(([, value]) => value !== '')),
  };
}
