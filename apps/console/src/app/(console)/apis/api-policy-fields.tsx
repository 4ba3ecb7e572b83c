'use client';

import { ZCors } from '@portico/config';
import {
  CheckControl,
  ListInput,
  NumberInput,
  RecordInput,
  useFormContext,
} from '../../../components/fields';

/** Policies: CORS, client IP rules and size limits, header transforms. */
export function ApiPolicyFields({ hasCors }: { hasCors: boolean }) {
  const form = useFormContext();
  return (
    <>
      <fieldset>
        <legend>CORS</legend>
        <CheckControl
          label="Answer CORS requests"
          checked={hasCors}
          onCheck={(checked) => form.set('policies.cors', checked ? ZCors.parse({}) : undefined)}
        />
        {hasCors ? (
          <div className="form-row">
            <ListInput path="policies.cors.allowOrigins" label="Allowed origins" />
            <ListInput path="policies.cors.allowHeaders" label="Allowed headers" />
            <NumberInput path="policies.cors.maxAgeSeconds" label="Max age (s)" />
          </div>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Client IPs and limits</legend>
        <div className="form-row">
          <ListInput path="policies.ipAllow" label="Allow (CIDR)" hint="Empty allows all." />
          <ListInput path="policies.ipDeny" label="Deny (CIDR)" />
        </div>
        <div className="form-row">
          <NumberInput path="policies.maxBodyBytes" label="Max body (bytes)" />
          <NumberInput path="policies.maxHeaderBytes" label="Max headers (bytes)" />
        </div>
      </fieldset>

      <fieldset>
        <legend>Header transforms</legend>
        <div className="form-row">
          <RecordInput path="policies.requestHeaders.add" label="Add to requests" />
          <ListInput path="policies.requestHeaders.remove" label="Remove from requests" />
        </div>
        <div className="form-row">
          <RecordInput path="policies.responseHeaders.add" label="Add to responses" />
          <ListInput path="policies.responseHeaders.remove" label="Remove from responses" />
        </div>
      </fieldset>
    </>
  );
}
