import { describe, expect, it } from 'vitest';
import { Latin1StringColumn } from './latin1-string-column';

describe('Latin1StringColumn', () => {
  it('reads back every value as written, whether it fits in the bytes or not', () => {
    const values: unknown[] = [
      'req_0123456789abcdefghjkmnpqrs',
      '',
      'x'.repeat(8),
      // One past the width: kept by reference.
      'y'.repeat(9),
      'ÿé\u0000',
      // Beyond Latin-1: kept by reference.
      '€uro',
      'emoji 😀',
      null,
      undefined,
      42,
    ];
    const column = new Latin1StringColumn(values.length, 8);
    for (const [row, value] of values.entries()) column.write(row, value);
    for (const [row, value] of values.entries()) expect(column.read(row)).toBe(value);
  });

  it('checks a string field from the stored length, references included', () => {
    const column = new Latin1StringColumn(5, 4);
    column.write(0, 'abcd');
    column.write(1, '');
    column.write(2, 'abcdefgh');
    column.write(3, null);
    column.write(4, 7);
    expect(column.holdsString(0, 1, 4, false)).toBe(true);
    expect(column.holdsString(0, 1, 3, false)).toBe(false);
    expect(column.holdsString(1, 1, 64, true)).toBe(false);
    expect(column.holdsString(1, 0, 64, false)).toBe(true);
    expect(column.holdsString(2, 1, 8, false)).toBe(true);
    expect(column.holdsString(2, 1, 7, false)).toBe(false);
    expect(column.holdsString(3, 1, 64, true)).toBe(true);
    expect(column.holdsString(3, 1, 64, false)).toBe(false);
    expect(column.holdsString(4, 0, 64, true)).toBe(false);
  });

  it('overwrites a row and forgets a released one', () => {
    const column = new Latin1StringColumn(2, 4);
    column.write(0, 'a long value');
    column.write(0, 'abc');
    expect(column.read(0)).toBe('abc');
    column.write(1, 'another long value');
    column.release(1);
    expect(column.read(1)).toBeNull();
  });

  it('refuses a width it cannot mark lengths for', () => {
    expect(() => new Latin1StringColumn(1, 0)).toThrow(RangeError);
    expect(() => new Latin1StringColumn(1, 254)).toThrow(RangeError);
  });
});
