'use client';

import { LOAD_BALANCING_ALGORITHMS } from '@portico/config';
import { Checkbox, NumberInput, Select, TextInput } from '../../../components/fields';

/** How traffic reaches the instances: balancing, timeouts, retries, health and the breaker. */
export function TrafficSettingsFields() {
  return (
    <>
      <fieldset>
        <legend>Load balancing and timeouts</legend>
        <div className="form-row">
          <Select path="settings.scheme" label="Scheme" options={['http', 'https']} />
          <Select
            path="settings.loadBalancer.algorithm"
            label="Algorithm"
            options={LOAD_BALANCING_ALGORITHMS}
          />
          <Select
            path="settings.loadBalancer.hashOn"
            label="Hash on (consistent-hash)"
            options={['ip', 'consumer', 'header']}
          />
        </div>
        <div className="form-row">
          <NumberInput path="settings.timeouts.connectMs" label="Connect timeout (ms)" />
          <NumberInput path="settings.timeouts.firstByteMs" label="First byte (ms)" />
          <NumberInput path="settings.timeouts.totalMs" label="Total (ms)" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Retries</legend>
        <div className="form-row">
          <NumberInput path="settings.retries.attempts" label="Attempts" />
          <NumberInput path="settings.retries.budgetPercent" label="Retry budget (%)" />
          <div className="field">
            <span className="field-label">Non-idempotent</span>
            <Checkbox path="settings.retries.retryNonIdempotent" label="Retry POST/PATCH too" />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Health checks</legend>
        <div className="toolbar">
          <Checkbox path="settings.healthCheck.active.enabled" label="Active checks" />
          <Checkbox
            path="settings.healthCheck.passive.enabled"
            label="Passive (outlier) ejection"
          />
        </div>
        <div className="form-row">
          <TextInput path="settings.healthCheck.active.path" label="Check path" />
          <NumberInput path="settings.healthCheck.active.intervalMs" label="Interval (ms)" />
          <NumberInput
            path="settings.healthCheck.passive.consecutiveFailures"
            label="Failures before ejection"
          />
          <NumberInput path="settings.healthCheck.maxEjectionPercent" label="Max ejected (%)" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Circuit breaker</legend>
        <Checkbox path="settings.circuitBreaker.enabled" label="Enabled" />
        <div className="form-row">
          <NumberInput
            path="settings.circuitBreaker.failureRatePercent"
            label="Failure rate to open (%)"
          />
          <NumberInput path="settings.circuitBreaker.minimumRequests" label="Minimum requests" />
          <NumberInput path="settings.circuitBreaker.openMs" label="Open for (ms)" />
        </div>
      </fieldset>
    </>
  );
}
