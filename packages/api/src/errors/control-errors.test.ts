import { readFileSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { PorticoError } from '../services/shared/domain-errors';
import { CONTROL_ERRORS, controlCodeForStatus, controlCodeForTrpc } from './control-errors';
import { fieldsFromIndexName, mapKnownError, TABLE_NAMES } from './map-known-error';

const CODES = Object.keys(CONTROL_ERRORS) as (keyof typeof CONTROL_ERRORS)[];

describe('CONTROL_ERRORS', () => {
  it.each(CODES)('%s: tRPC answers its tRPC code with the same HTTP status', (code) => {
    const { status, trpc } = CONTROL_ERRORS[code];
    expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpc }))).toBe(status);
  });

  it('maps each tRPC code and each status back to exactly one catalogue code', () => {
    for (const code of CODES) {
      expect(controlCodeForTrpc(CONTROL_ERRORS[code].trpc)).toBe(code);
      expect(controlCodeForStatus(CONTROL_ERRORS[code].status)).toBe(code);
    }
    expect(controlCodeForTrpc('CLIENT_CLOSED_REQUEST')).toBe('CTL_INTERNAL');
    expect(controlCodeForStatus(418)).toBe('CTL_INVALID_INPUT');
    expect(controlCodeForStatus(504)).toBe('CTL_INTERNAL');
  });
});

describe('the tRPC boundary', () => {
  it('turns a service PorticoError into the catalogue tRPC code, keeping the message and cause', () => {
    const domain = new PorticoError('CTL_PRECONDITION_FAILED', 'this is the last owner');
    const raised = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: domain });
    const mapped = mapKnownError(raised);
    expect(mapped).toBeInstanceOf(TRPCError);
    expect(mapped?.code).toBe('PRECONDITION_FAILED');
    expect(mapped?.message).toBe('this is the last owner');
    expect(mapped?.cause).toBe(domain);
  });

  it('leaves an unknown failure alone, to be answered as a generic internal error', () => {
    const raised = new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      cause: new Error('db exploded'),
    });
    expect(mapKnownError(raised)).toBeNull();
  });
});

describe('unique-violation field names', () => {
  it('knows every table of prisma/schema.prisma', () => {
    const schema = readFileSync(
      new URL('../../../../prisma/schema.prisma', import.meta.url),
      'utf8',
    );
    const tables = [...schema.matchAll(/@@map\("([a-z_]+)"\)/g)].map((m) => m[1]);
    expect(tables.length).toBeGreaterThan(10);
    expect([...TABLE_NAMES].sort()).toEqual([...tables].sort());
  });

  it('reads the fields of a table whose name another table name begins with', () => {
    expect(fieldsFromIndexName('usage_error_hours_apiId_hour_key')).toEqual(['apiId', 'hour']);
    expect(fieldsFromIndexName('certificates_name_key')).toEqual(['name']);
  });
});
