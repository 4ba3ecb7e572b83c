import { describe, expect, it } from 'vitest';
import { runInMemory } from './memory-io';

/** A file with one service, its API under `auth`, and consumer acme holding `credential`. */
function fileWith(service: string, auth: string, credential: string): string {
  return `
services: [{ name: ${service}, targets: ["127.0.0.1:9000"] }]
apis: [{ name: ${service}-api, basePath: /${service}, service: ${service}, auth: { type: ${auth} } }]
consumers:
  - name: acme
    credentials:
      - ${credential}
`;
}

/** Credentials whose secret the file names by an environment variable instead of holding it. */
const cases = [
  {
    title: 'credentials with passwordEnv',
    field: 'passwordEnv',
    variable: 'ACME_BATCH_PASSWORD',
    value: 'a long batch password',
    file: fileWith(
      'orders',
      'basic',
      '{ kind: basic, username: acme-batch, passwordEnv: ACME_BATCH_PASSWORD }',
    ),
  },
  {
    title: 'hmac credentials with secretEnv',
    field: 'secretEnv',
    variable: 'ACME_HMAC_SECRET',
    value: Buffer.alloc(32, 7).toString('base64'),
    file: fileWith(
      'payments',
      'signature',
      '{ kind: hmac, keyid: acme-hmac-1, secretEnv: ACME_HMAC_SECRET }',
    ),
  },
];

describe.each(cases)('$title', ({ field, variable, value, file }) => {
  it('refuses the file before any request when the variable is not set', async () => {
    const run = await runInMemory(['apply', '-f', 'p.yaml'], { 'p.yaml': file });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `consumers[0].credentials[0].${field}: environment variable ${variable} is not set`,
    );
    expect(run.connections).toEqual([]);
  });

  it('reads the variable and goes on to the control plane when it is set', async () => {
    const run = await runInMemory(
      ['apply', '-f', 'p.yaml'],
      { 'p.yaml': file },
      { PORTICO_TOKEN: 'pat_test', [variable]: value },
    );
    expect(run.connections).toHaveLength(1);
    expect(run.stderr).not.toContain(field);
  });
});
