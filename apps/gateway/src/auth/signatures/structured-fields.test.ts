import { describe, expect, it } from 'vitest';
import { parseDictionary, StructuredFieldError, serializeDictionary } from './structured-fields';

describe('structured fields', () => {
  it('round-trips a dictionary of inner lists, items and parameters canonically', () => {
    const text = 'a=("x";p=1 "y"), b=?0;q=tok, c=:aGk=:, d=1.50, e, f="q\\"s"';
    expect(serializeDictionary(parseDictionary(text))).toBe(
      'a=("x";p=1 "y"), b=?0;q=tok, c=:aGk=:, d=1.5, e, f="q\\"s"',
    );
  });

  it('tolerates optional whitespace around commas', () => {
    expect([...parseDictionary('a=1 ,\tb=2').keys()]).toEqual(['a', 'b']);
  });

  it.each([
    'A=1',
    'a=1,',
    'a=(1',
    'a="unterminated',
    'a=:not base64!:',
    'a=1.2345',
    'a=?2',
    'a=1 b=2',
  ])('refuses %s', (text) => {
    expect(() => parseDictionary(text)).toThrow(StructuredFieldError);
  });
});
