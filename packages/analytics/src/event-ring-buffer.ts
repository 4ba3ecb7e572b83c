/**
 * Fixed-capacity FIFO over a preallocated array: push and drop-oldest are O(1) and allocate
 * nothing, so recording stays cheap however long Redis is away.
 */
export class EventRingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `item`; when full, first discards the oldest item and returns true. */
  push(item: T): boolean {
    let dropped = false;
    if (this.count === this.capacity) {
      this.dropOldest();
      dropped = true;
    }
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return dropped;
  }

  /** Discards the oldest item; false when empty. */
  dropOldest(): boolean {
    if (this.count === 0) return false;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return true;
  }

  /** Removes and returns up to `max` of the oldest items, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out: T[] = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      const index = (this.head + i) % this.capacity;
      // Slots inside [head, head + count) always hold an item.
      out[i] = this.slots[index] as T;
      this.slots[index] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }
}
