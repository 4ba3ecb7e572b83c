import { describe, expect, it } from 'vitest';
import { ZRequestEvent } from './request-event';
import { requestEventProblem } from './request-event-check';
import { sampleEvent } from './test-events';

const variants: Record<string, unknown>[] = [
  sampleEvent(),
  sampleEvent({ apiId: null, keyId: null, upstreamMs: null, clientIp: null, instance: null }),
  sampleEvent({ status: 429, errorCode: 'GW_QUOTA_EXCEEDED' }),
  { ...sampleEvent(), clientIp: '' },
  { ...sampleEvent(), status: 99 },
  { ...sampleEvent(), status: 600 },
  { ...sampleEvent(), status: 200.5 },
  { ...sampleEvent(), time: -1 },
  { ...sampleEvent(), time: 1.5 },
  { ...sampleEvent(), requestId: '' },
  { ...sampleEvent(), requestId: 'r'.repeat(65) },
  { ...sampleEvent(), apiId: '' },
  { ...sampleEvent(), instance: 'i'.repeat(301) },
  { ...sampleEvent(), method: 'M'.repeat(17) },
  { ...sampleEvent(), totalMs: Number.NaN },
  { ...sampleEvent(), totalMs: -0.5 },
  { ...sampleEvent(), totalMs: 86_400_001 },
  { ...sampleEvent(), upstreamMs: Number.POSITIVE_INFINITY },
  { ...sampleEvent(), bytesIn: -1 },
  { ...sampleEvent(), bytesOut: 1.5 },
  { ...sampleEvent(), clientIp: 'x'.repeat(65) },
  { ...sampleEvent(), errorCode: 'gw_lower' },
  { ...sampleEvent(), errorCode: '' },
  { ...sampleEvent(), nodeId: undefined },
  { ...sampleEvent(), method: 7 },
  { ...sampleEvent(), consumerId: undefined },
];

describe('requestEventProblem', () => {
  it('accepts and refuses exactly what ZRequestEvent does', () => {
    for (const candidate of variants) {
      const zodSays = ZRequestEvent.safeParse(candidate).success;
      expect({ candidate, ok: requestEventProblem(candidate) === null }).toEqual({
        candidate,
        ok: zodSays,
      });
    }
  });

  it('names the field and the rule', () => {
    expect(requestEventProblem({ ...sampleEvent(), status: 42 })).toBe(
      'status: must be an integer from 100 to 599',
    );
  });
});
