'use client';

import { ZRequestValidation } from '@portico/config';
import { CheckControl, RecordInput, Select, useFormContext } from '../../../components/fields';

/**
 * OpenAPI request validation: off, report-only (forward and count what would be refused, the safe
 * first step) or enforce, per-route overrides, and report-only response checks. It needs the
 * API's OpenAPI document; the server refuses validation without one and says so.
 */
export function ApiValidationFields({
  enabled,
  hasDocument,
}: {
  enabled: boolean;
  hasDocument: boolean;
}) {
  const form = useFormContext();
  return (
    <fieldset>
      <legend>Request validation</legend>
      <CheckControl
        label="Validate requests against the API's OpenAPI document"
        checked={enabled}
        onCheck={(checked) =>
          form.set(
            'policies.validation',
            // Switched on, it starts report-only: nothing is refused until it is set to enforce.
            checked ? ZRequestValidation.parse({ mode: 'report' }) : undefined,
          )
        }
      />
      {!hasDocument ? (
        <p className="muted">
          This API has no OpenAPI document yet: import one (Import OpenAPI) before validating.
        </p>
      ) : null}
      {enabled ? (
        <>
          <div className="form-row">
            <Select
              path="policies.validation.mode"
              label="Validation mode"
              options={[
                { value: 'report', label: 'Report only: forward and count what would be refused' },
                { value: 'enforce', label: 'Enforce: refuse invalid requests with 400' },
              ]}
            />
            <Select
              path="policies.validation.responses"
              label="Responses"
              options={[
                { value: 'off', label: 'Not checked' },
                { value: 'report', label: 'Checked, mismatches counted (never blocked)' },
              ]}
            />
          </div>
          <RecordInput
            path="policies.validation.routes"
            label="Per-route modes"
            hint="One “route-name: enforce | report | off” per line."
          />
        </>
      ) : null}
    </fieldset>
  );
}
