import type { CSSProperties } from 'react';

const HEX = /^#([0-9a-f]{6})$/i;

/** True for the #rrggbb colours the kit accepts as an accent. */
export function isAccentColor(value: string): boolean {
  return HEX.test(value);
}

function mix(hex: string, target: number, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channels = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) =>
    Math.round(c + (target - c) * amount),
  );
  return `#${channels.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * CSS variables that theme the kit with an operator's accent colour: the colour itself, a darker
 * hover shade and a pale tint for backgrounds. An invalid colour leaves the default theme.
 */
export function accentStyle(accent: string | null | undefined): CSSProperties {
  if (!accent || !isAccentColor(accent)) return {};
  return {
    '--pui-accent': accent,
    '--pui-accent-hover': mix(accent, 0, 0.15),
    '--pui-accent-soft': mix(accent, 255, 0.9),
  } as CSSProperties;
}
