import { describe, expect, it } from 'vitest';
import nextConfig from '../next.config';

describe('portal Next.js config', () => {
  it('keeps the development badge off the sidebar (bottom-left covered the signed-in developer)', () => {
    expect(nextConfig.devIndicators).toEqual({ position: 'bottom-right' });
  });
});
