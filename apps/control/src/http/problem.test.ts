import { CONTROL_ERRORS } from '@portico/api';
import { DP_ERRORS, REGISTRY_ERRORS } from '@portico/config';
import { catalogueStatuses, documentedErrorCodes } from '@portico/testkit';
import { describe, expect, it } from 'vitest';

describe('the control plane error catalogues', () => {
  const surfaces = [
    ['Data-plane sync (`/dp/v1`)', DP_ERRORS, /^DP_[A-Z_]+$/],
    ['Registry (`/registry/v1`)', REGISTRY_ERRORS, /^REG_[A-Z_]+$/],
    ['Control plane', CONTROL_ERRORS, /^CTL_[A-Z_]+$/],
  ] as const;

  it.each(surfaces)('%s: every code has an error status and a title', (_, catalogue, shape) => {
    for (const [code, entry] of Object.entries(catalogue)) {
      expect(code).toMatch(shape);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.title.length, code).toBeGreaterThan(0);
    }
  });

  it.each(surfaces)(
    '%s: docs/errors.md lists exactly these codes and statuses',
    (heading, catalogue) => {
      expect(documentedErrorCodes(heading)).toEqual(catalogueStatuses(catalogue));
    },
  );
});
