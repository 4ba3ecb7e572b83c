import { describe, expect, it } from 'vitest';
import { orderDumpedDocument } from '../src/dump-order';
import { formatAge, formatTimestamp } from '../src/format-time';
import { createStyle } from '../src/style';
import { renderTable } from '../src/table';

describe('renderTable', () => {
  it('aligns columns under upper-case headers with no trailing spaces', () => {
    expect(
      renderTable(
        ['id', 'name'],
        [
          ['key_1', 'default'],
          ['key_22', 'ci'],
        ],
      ),
    ).toBe('ID      NAME\nkey_1   default\nkey_22  ci\n');
  });

  it('ignores colour escapes when measuring widths', () => {
    const red = createStyle(true).red('STALE');
    const table = renderTable(
      ['state', 'node'],
      [
        [red, 'gw-1'],
        ['ok', 'gw-2'],
      ],
    );
    expect(table.split('\n')[1]).toBe(`${red}  gw-1`);
    expect(table.split('\n')[2]).toBe('ok     gw-2');
  });
});

describe('createStyle', () => {
  it('adds no escape codes when disabled', () => {
    expect(createStyle(false).green('ok')).toBe('ok');
  });
});

describe('formatTimestamp and formatAge', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('prints ISO-like UTC times and "-" for none', () => {
    expect(formatTimestamp('2026-01-01T11:59:30.123Z')).toBe('2026-01-01 11:59:30Z');
    expect(formatTimestamp(null)).toBe('-');
  });
  it.each([
    ['2026-01-01T11:59:30Z', '30s ago'],
    ['2026-01-01T11:55:00Z', '5m ago'],
    ['2026-01-01T09:00:00Z', '3h ago'],
    ['2025-12-30T12:00:00Z', '2d ago'],
  ])('shows %s as %s', (value, age) => {
    expect(formatAge(value, now)).toBe(age);
  });
});

describe('orderDumpedDocument', () => {
  it('puts name, description and type first in each entity and keeps every value', () => {
    const dumped = {
      services: [{ scheme: 'http', targets: [], description: 'd', name: 'orders' }],
      registries: [{ address: '', type: 'builtin', name: 'builtin' }],
    };
    const ordered = orderDumpedDocument(dumped) as typeof dumped;
    expect(ordered).toEqual(dumped);
    expect(Object.keys(ordered.services[0] ?? {})).toEqual([
      'name',
      'description',
      'scheme',
      'targets',
    ]);
    expect(Object.keys(ordered.registries[0] ?? {})).toEqual(['name', 'type', 'address']);
  });
});
