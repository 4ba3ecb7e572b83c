import { describe, expect, it } from 'vitest';
import nextConfig from '../next.config';

describe('console Next.js config', () => {
  it('keeps the development badge off the sidebar (bottom-left held Sign out)', () => {
    expect(nextConfig.devIndicators).toEqual({ position: 'bottom-right' });
  });
});
