import { describe, expect, it } from 'vitest';
import { runInMemory } from './memory-io';

const file = `
services: [{ name: payments, targets: ["127.0.0.1:9000"] }]
apis: [{ name: payments-api, basePath: /payments, service: payments, auth: { type: signature } }]
consumers:
  - name: acme
    credentials:
      - { kind: hmac, keyid: acme-hmac-1, secretEnv: ACME_HMAC_SECRET }
`;

describe('hmac credentials with secretEnv', () => {
  it('refuses the file before any request when the variable is not set', async () => {
    const run = await runInMemory(['apply', '-f', 'p.yaml'], { 'p.yaml': file });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'consumers[0].credentials[0].secretEnv: environment variable ACME_HMAC_SECRET is not set',
    );
    expect(run.connections).toEqual([]);
  });

  it('reads the variable and goes on to the control plane when it is set', async () => {
    const run = await runInMemory(
      ['apply', '-f', 'p.yaml'],
      { 'p.yaml': file },
      { PORTICO_TOKEN: 'pat_test', ACME_HMAC_SECRET: Buffer.alloc(32, 7).toString('base64') },
    );
    expect(run.connections).toHaveLength(1);
    expect(run.stderr).not.toContain('secretEnv');
  });
});
