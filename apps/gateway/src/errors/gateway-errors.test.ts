import { ZProblemDocument } from '@portico/config';
import { catalogueStatuses, documentedErrorCodes } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, type GatewayErrorCode, problemBody } from './gateway-errors';

describe('the gateway error catalogue', () => {
  it('gives every code an error status and a title', () => {
    for (const [code, { status, title }] of Object.entries(GATEWAY_ERRORS)) {
      expect(code, code).toMatch(/^GW_[A-Z_]+$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(title.length, code).toBeGreaterThan(0);
    }
  });

  it('is listed exactly, with the same statuses, in docs/errors.md', () => {
    expect(documentedErrorCodes('Gateway')).toEqual(catalogueStatuses(GATEWAY_ERRORS));
  });

  it('answers with the shared problem document, typed by the code', () => {
    const code: GatewayErrorCode = 'GW_QUOTA_EXCEEDED';
    const body = JSON.parse(problemBody(code, 'the monthly quota is used up', 'req_1'));
    expect(ZProblemDocument.parse(body)).toEqual({
      type: 'https://portico.dev/errors/GW_QUOTA_EXCEEDED',
      title: 'Quota exceeded',
      status: 429,
      code,
      detail: 'the monthly quota is used up',
      requestId: 'req_1',
    });
  });

  it('adds the request-validation violations when given', () => {
    const violations = [{ pointer: '/body/name', message: 'is required' }];
    const body = JSON.parse(problemBody('GW_REQUEST_INVALID', 'bad body', 'req_2', { violations }));
    expect(body).toMatchObject({ code: 'GW_REQUEST_INVALID', status: 400, violations });
  });
});
