import { describe, expect, it } from 'vitest';
import { authChallenge } from '../auth/request-auth';
import { GATEWAY_ERRORS } from '../errors/gateway-errors';
import { limitRefusalCode } from './limit-check';

describe('admission refusals', () => {
  it('tells a caller without a credential to send a bearer credential', () => {
    expect(authChallenge('GW_KEY_MISSING')).toEqual({ 'www-authenticate': 'Bearer' });
    expect(authChallenge('GW_TOKEN_MISSING')).toEqual({ 'www-authenticate': 'Bearer' });
  });

  it('tells a token without the route scope that the scope is missing', () => {
    expect(authChallenge('GW_INSUFFICIENT_SCOPE')).toEqual({
      'www-authenticate': 'Bearer error="insufficient_scope"',
    });
  });

  it('sends no challenge for a credential that was sent but refused', () => {
    expect(authChallenge('GW_KEY_INVALID')).toBeNull();
    expect(authChallenge('GW_FORBIDDEN')).toBeNull();
  });

  it('answers a limiter refusal as 429 for limits and 503 when the limiter could not decide', () => {
    expect(limitRefusalCode('rate_limit')).toBe('GW_RATE_LIMITED');
    expect(limitRefusalCode('quota')).toBe('GW_QUOTA_EXCEEDED');
    expect(limitRefusalCode(null)).toBe('GW_RATE_LIMITED');
    expect(limitRefusalCode('unavailable')).toBe('GW_LIMITER_UNAVAILABLE');
    expect(GATEWAY_ERRORS[limitRefusalCode('quota')].status).toBe(429);
    expect(GATEWAY_ERRORS[limitRefusalCode('unavailable')].status).toBe(503);
  });
});
