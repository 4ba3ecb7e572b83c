import { describe, expect, it } from 'vitest';
import { cursorTrail } from './cursor-trail';

describe('cursorTrail', () => {
  it('starts on the first page with no cursor', () => {
    for (const param of [null, undefined, '']) {
      const trail = cursorTrail(param);
      expect([trail.index, trail.cursor, trail.next('YQ')]).toEqual([0, undefined, 'YQ']);
    }
  });

  it('asks with the last cursor walked and goes back by dropping it', () => {
    const trail = cursorTrail('YQ.Yg');
    expect([trail.index, trail.cursor, trail.previous, trail.next('Yw')]).toEqual([
      2,
      'Yg',
      'YQ',
      'YQ.Yg.Yw',
    ]);
  });
});
