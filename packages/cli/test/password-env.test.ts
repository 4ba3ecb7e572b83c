import { describe, expect, it } from 'vitest';
import { runInMemory } from './memory-io';

const file = `
services: [{ name: orders, targets: ["127.0.0.1:9000"] }]
apis: [{ name: orders-api, basePath: /orders, service: orders, auth: { type: basic } }]
consumers:
  - name: acme
    credentials:
      - { kind: basic, username: acme-batch, passwordEnv: ACME_BATCH_PASSWORD }
`;

describe('credentials with passwordEnv', () => {
  it('refuses the file before any request when the variable is not set', async () => {
    const run = await runInMemory(['apply', '-f', 'p.yaml'], { 'p.yaml': file });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'consumers[0].credentials[0].passwordEnv: environment variable ACME_BATCH_PASSWORD is not set',
    );
    expect(run.connections).toEqual([]);
  });

  it('reads the variable and goes on to the control plane when it is set', async () => {
    const run = await runInMemory(
      ['apply', '-f', 'p.yaml'],
      { 'p.yaml': file },
      {
        PORTICO_TOKEN: 'pat_test',
        ACME_BATCH_PASSWORD: 'a long batch password',
      },
    );
    expect(run.connections).toHaveLength(1);
    expect(run.stderr).not.toContain('passwordEnv');
  });
});
