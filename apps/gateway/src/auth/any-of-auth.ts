import type { SnapshotApi } from '@portico/config';
import type { AuthOutcome } from './auth-outcome';
import type { Authenticator } from './authenticator';

/**
 * "key or jwt": the first method whose credential the request carries decides, so a request
 * with a wrong key and no JWT is refused as a wrong key (never silently tried as something
 * else). A request carrying none of them is refused naming every method, with one challenge
 * per distinct method.
 */
export function compileAnyOf(methods: readonly Authenticator[], api: SnapshotApi): Authenticator {
  const challenges = [
    ...new Set(methods.flatMap((m) => (m.challenge === null ? [] : [m.challenge]))),
  ];
  const challenge = challenges.length === 0 ? null : challenges.join(', ');
  const expects = methods.map((m) => m.expects).join('; or ');
  const missing: AuthOutcome = {
    ok: false,
    code: 'GW_CREDENTIALS_MISSING',
    detail: `API ${api.name} accepts ${methods.map((m) => m.type).join(', ')}: send ${expects}`,
    ...(challenge === null ? {} : { challenge: { 'www-authenticate': challenge } }),
  };
  return {
    type: 'anyOf',
    challenge,
    expects,
    present: (host) => methods.some((m) => m.present(host)),
    run(host, config) {
      for (const method of methods) {
        if (method.present(host)) {
          method.run(host, config);
          return;
        }
      }
      host.afterAuth(missing);
    },
  };
}
