import { describe, expect, it } from 'vitest';
import { catalogueStatuses, documentedErrorCodes } from './error-docs';

describe('documentedErrorCodes', () => {
  it('reads the codes and statuses of one section of docs/errors.md', () => {
    const gateway = documentedErrorCodes('Gateway');
    expect(gateway.get('GW_KEY_INVALID')).toBe(401);
    expect(gateway.has('DP_INVALID_INPUT')).toBe(false);
    expect(documentedErrorCodes('Registry (`/registry/v1`)').get('REG_NOT_FOUND')).toBe(404);
  });

  it('refuses a section the page does not have', () => {
    expect(() => documentedErrorCodes('Nowhere')).toThrow('docs/errors.md has no section');
  });

  it('puts a catalogue in the same form', () => {
    expect(catalogueStatuses({ A_CODE: { status: 400 } })).toEqual(new Map([['A_CODE', 400]]));
  });
});
