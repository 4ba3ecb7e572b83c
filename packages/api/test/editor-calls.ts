import { type ApiHarness, type AppCaller, uniqueName } from './harness';

type CreateCredentialInput = Parameters<AppCaller['credentials']['create']>[0];
type CreateRegistryInput = Parameters<AppCaller['registries']['create']>[0];

/** An editor creates a credential on `consumerId`: the call most credential tests start from. */
export function createCredentialAsEditor(
  h: ApiHarness,
  consumerId: string,
  credential: Omit<CreateCredentialInput, 'consumerId'>,
) {
  return h.as('editor').credentials.create({ consumerId, ...credential });
}

/** An editor registers a Consul agent on 127.0.0.1:8500 under a unique name, with `settings`. */
export function createConsulAsEditor(
  h: ApiHarness,
  settings: Omit<CreateRegistryInput, 'name' | 'type' | 'address'> = {},
) {
  return h.as('editor').registries.create({
    name: uniqueName('consul'),
    type: 'consul',
    address: 'http://127.0.0.1:8500',
    ...settings,
  });
}
