/** FNV-1a over UTF-16 code units with a murmur3 finaliser, so short similar keys spread well. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Virtual nodes of the heaviest instance; lighter ones get proportionally fewer. */
const VNODES_AT_MAX_WEIGHT = 160;

/**
 * A consistent-hash ring with virtual nodes. When one of N instances leaves, only the keys that
 * landed on its points move (about 1/N of them); every other key keeps its instance.
 */
export class HashRing<T extends { readonly id: string; readonly weight: number }> {
  private readonly points: Uint32Array;
  private readonly owners: T[];

  constructor(members: readonly T[]) {
    const maxWeight = members.reduce((m, x) => Math.max(m, x.weight), 0);
    const entries: Array<{ point: number; owner: T }> = [];
    for (const member of members) {
      if (member.weight <= 0 || maxWeight <= 0) continue;
      const vnodes = Math.max(1, Math.round((VNODES_AT_MAX_WEIGHT * member.weight) / maxWeight));
      for (let i = 0; i < vnodes; i++)
        entries.push({ point: hash32(`${member.id}#${i}`), owner: member });
    }
    entries.sort((a, b) => a.point - b.point);
    this.points = Uint32Array.from(entries, (e) => e.point);
    this.owners = entries.map((e) => e.owner);
  }

  get size(): number {
    return this.points.length;
  }

  /**
   * The first owner clockwise from the key's point that `usable` accepts (skipping unusable
   * owners keeps every other key where it was), or null when none is.
   */
  lookup(keyHash: number, usable: (owner: T) => boolean): T | null {
    const n = this.points.length;
    if (n === 0) return null;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid] as number) < keyHash) lo = mid + 1;
      else hi = mid;
    }
    for (let step = 0; step < n; step++) {
      const owner = this.owners[(lo + step) % n] as T;
      if (usable(owner)) return owner;
    }
    return null;
  }
}
