import type { RecordedRequest } from './recorder-contract';

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

function idOk(value: string | null): boolean {
  return value === null || (value.length >= 1 && value.length <= 64);
}

function countOk(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * The fields a request's counts are made of, checked as ZRequestEvent would (same bounds) but
 * without a pass over every field: this runs for every request.
 */
export function countable(event: RecordedRequest): boolean {
  return (
    Number.isInteger(event.time) &&
    event.time >= 0 &&
    Number.isInteger(event.status) &&
    event.status >= 100 &&
    event.status <= 599 &&
    event.totalMs >= 0 &&
    event.totalMs <= 86_400_000 &&
    countOk(event.bytesIn) &&
    countOk(event.bytesOut) &&
    idOk(event.apiId) &&
    idOk(event.routeId) &&
    idOk(event.consumerId) &&
    idOk(event.keyId) &&
    (event.errorCode === null || ERROR_CODE.test(event.errorCode))
  );
}
