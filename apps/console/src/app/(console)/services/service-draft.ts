import { ZServiceFields, ZServiceSettings } from '@portico/config';
import type { z } from 'zod';
import type { RouterOutputs } from '../../../lib/trpc';

export type ServiceView = RouterOutputs['services']['list'][number];

/** The server's service fields; a service from a registry has no targets, a static one no discovery. */
export const ZServiceForm = ZServiceFields.partial({ description: true, discovery: true });

export interface Draft {
  name: string;
  description: string;
  mode: 'static' | 'registry';
  targets: { host: string; port: number | undefined; weight: number | undefined }[];
  discovery: { registry: string; service: string; namespace: string; tags: string[] };
  settings: z.input<typeof ZServiceSettings>;
}

export function toInput(d: Draft) {
  return {
    name: d.name,
    description: d.description === '' ? undefined : d.description,
    targets: d.mode === 'static' ? d.targets : [],
    discovery:
      d.mode === 'registry'
        ? {
            registry: d.discovery.registry,
            service: d.discovery.service,
            ...(d.discovery.namespace ? { namespace: d.discovery.namespace } : {}),
            ...(d.discovery.tags.length ? { tags: d.discovery.tags } : {}),
          }
        : undefined,
    settings: d.settings,
  };
}

export function initialDraft(service: ServiceView | null): Draft {
  return {
    name: service?.name ?? '',
    description: service?.description ?? '',
    mode: service?.discovery ? 'registry' : 'static',
    targets: service?.targets.length
      ? service.targets.map((t) => ({ host: t.host, port: t.port, weight: t.weight }))
      : [{ host: '', port: undefined, weight: 100 }],
    discovery: {
      registry: service?.discovery?.registry ?? '',
      service: service?.discovery?.service ?? '',
      namespace: service?.discovery?.namespace ?? '',
      tags: service?.discovery?.tags ?? [],
    },
    settings: service?.settings ?? ZServiceSettings.parse({}),
  };
}
