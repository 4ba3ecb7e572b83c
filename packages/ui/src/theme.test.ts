import { describe, expect, it } from 'vitest';
import { accentStyle, isAccentColor } from './theme';

describe('accentStyle', () => {
  it('derives a darker hover shade and a pale tint from the accent colour', () => {
    expect(accentStyle('#0f766e')).toEqual({
      '--pui-accent': '#0f766e',
      '--pui-accent-hover': '#0d645e',
      '--pui-accent-soft': '#e7f1f1',
    });
  });

  it('keeps the default theme for a missing or malformed colour', () => {
    expect(accentStyle(null)).toEqual({});
    expect(accentStyle('teal')).toEqual({});
    expect(accentStyle('#0f766')).toEqual({});
    expect(accentStyle('#0f766e; background: url(x)')).toEqual({});
  });
});

describe('isAccentColor', () => {
  it('accepts #rrggbb only', () => {
    expect(isAccentColor('#4F46E5')).toBe(true);
    expect(isAccentColor('4f46e5')).toBe(false);
    expect(isAccentColor('#fff')).toBe(false);
  });
});
