/**
 * A Map that never holds more than `maxEntries`: inserting past the bound drops the oldest
 * insertions first. Lookups do not reorder (no delete/re-insert on the hot path), so eviction is
 * by age of insertion, which is enough for caches whose entries are cheap to rebuild.
 */
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get maxEntries(): number {
    return this.#maxEntries;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.#maxEntries) {
      // Map iterates in insertion order, so the first key is the oldest.
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  clear(): void {
    this.#map.clear();
  }
}
