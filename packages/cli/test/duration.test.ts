import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration';

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 86_400],
    ['12h', 12 * 3_600],
    ['90m', 90 * 60],
    ['45s', 45],
    ['3650d', 3_650 * 86_400],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each(['', '30', 'd', '1.5h', '1h30m', '-5m', '30 days', '10w', '0d', '3651d', '99999999999d'])(
    'refuses %j with a message that shows the accepted form',
    (text) => {
      const result = parseDuration(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain(JSON.stringify(text));
    },
  );
});
