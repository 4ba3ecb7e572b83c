import { describe, expect, it } from 'vitest';
import { EventRingBuffer } from './event-ring-buffer';

describe('EventRingBuffer', () => {
  it('keeps FIFO order across wrap-around', () => {
    const ring = new EventRingBuffer<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.take(1)).toEqual([1]);
    ring.push(3);
    ring.push(4);
    expect(ring.take(10)).toEqual([2, 3, 4]);
    expect(ring.size).toBe(0);
  });

  it('drops the oldest item when full and says so', () => {
    const ring = new EventRingBuffer<number>(2);
    expect(ring.push(1)).toBe(false);
    expect(ring.push(2)).toBe(false);
    expect(ring.push(3)).toBe(true);
    expect(ring.take(2)).toEqual([2, 3]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventRingBuffer(0)).toThrow(RangeError);
  });
});
