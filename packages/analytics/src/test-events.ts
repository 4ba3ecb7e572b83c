import type { RequestEvent } from './request-event';

/** A plausible event for tests; override what a test is about. */
export function sampleEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    time: 1_763_800_000_000,
    requestId: 'req_0000000000aaaaaaaaaaaaaaaa',
    nodeId: 'dpn_test',
    apiId: 'api_one',
    routeId: 'rte_one',
    serviceId: 'svc_one',
    instance: '127.0.0.1:9001',
    consumerId: 'con_one',
    keyId: 'key_one',
    method: 'GET',
    status: 200,
    totalMs: 12.5,
    upstreamMs: 10.25,
    bytesIn: 120,
    bytesOut: 2048,
    clientIp: '203.0.113.7',
    errorCode: null,
    ...overrides,
  };
}
