import type { AuthOutcome } from '../auth/auth-outcome';
import { authChallenge, authenticate } from '../auth/request-auth';
import type { CompiledConfig } from '../config/compiled-config';
import { GATEWAY_ERRORS } from '../errors/gateway-errors';
import type { LimitDecision } from '../limits/index';
import { answerPreflight } from '../policies/cors';
import type { AdmittedExchange, RoutedExchange } from './exchange';
import { forward } from './forward';
import { forwardedHeadersFor } from './forwarded-headers';
import { limitCheckFor, limitRefusalCode } from './limit-check';
import { ADDRESS_REFUSED_DETAIL, addressRefused } from './request-limits';

/** True once authentication set what the stages after admission read. */
export function isAdmitted(ex: RoutedExchange): ex is AdmittedExchange {
  return ex.outcome !== null && ex.view !== null && ex.clientIp !== null;
}

/**
 * Admission, first half: the client's address (through trusted proxies) against the API's IP
 * rules, a CORS preflight answered here, then the API's authentication, which answers through
 * `Exchange.afterAuth` (at once, or when a JWT is verified).
 */
export function admit(ex: RoutedExchange, config: CompiledConfig): void {
  const entry = ex.entry;
  const view = forwardedHeadersFor(ex.req, entry.trustedProxies);
  ex.view = view;
  ex.clientIp = view.clientIp;
  if (addressRefused(entry, view.clientIp)) {
    ex.fail('GW_FORBIDDEN', ADDRESS_REFUSED_DETAIL);
    return;
  }
  if (entry.cors !== null && ex.method === 'OPTIONS' && answerPreflight(ex, entry.cors)) return;
  authenticate(ex, entry, config);
}

/** Admission, second half: a refused caller is answered; a known one goes to the limiter. */
export function authenticated(ex: RoutedExchange, outcome: AuthOutcome): void {
  if (!outcome.ok) {
    ex.fail(outcome.code, outcome.detail, authChallenge(outcome.code, outcome.challenge));
    return;
  }
  ex.outcome = outcome;
  ex.consumerId = outcome.consumer?.id ?? null;
  ex.keyId = outcome.keyId;
  // The address was read before authentication began, so this holds.
  if (!isAdmitted(ex)) return;
  const limiter = ex.deps.limiter;
  if (limiter !== null) {
    const check = limitCheckFor(outcome, ex.entry, ex.clientIp);
    if (check !== null) {
      // Kept for composite routes that count each backend call.
      ex.limitCheck = check;
      limiter.submit(check, ex);
      return;
    }
  }
  forward(ex);
}

/** The limiter's answer: refused (429, or 503 when it could not decide), or forwarded with its headers. */
export function limitDecided(ex: AdmittedExchange, decision: LimitDecision): void {
  if (!decision.allowed) {
    const code = limitRefusalCode(decision.reason);
    ex.fail(code, decision.detail ?? GATEWAY_ERRORS[code].title, decision.headers);
    return;
  }
  ex.limitHeaders = decision.headers;
  forward(ex);
}
