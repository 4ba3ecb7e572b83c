/**
 * Called through `call` rather than as `value.charCodeAt`: a method looked up on the string sees
 * every string representation a gateway produces (flat, concatenated, internalised, sliced…),
 * turns megamorphic, and then costs a generic property lookup and call per character.
 */
const charCodeAt = String.prototype.charCodeAt;

/** Row length sentinels; real lengths are at most MAX_WIDTH. */
const NULL_VALUE = 255;
const BY_REFERENCE = 254;
const MAX_WIDTH = 253;

/**
 * A column of short per-request strings (request ids, client addresses) whose characters are
 * copied into one preallocated byte buffer, `width` bytes a row, so that holding a value keeps no
 * string object alive: a string minted per request (a request id is a chain of concatenations)
 * would otherwise survive young-generation scavenges until its batch is cut, and be promoted.
 *
 * Values that do not fit (longer than `width`, characters past U+00FF, or not a string at all)
 * are kept by reference instead; they are rare, and are read back exactly as given.
 */
export class Latin1StringColumn {
  private readonly bytes: Buffer;
  private readonly lengths: Uint8Array;
  /** Values kept by reference, by row. */
  private readonly others = new Map<number, unknown>();

  constructor(
    rows: number,
    readonly width: number,
  ) {
    if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
      throw new RangeError(`width must be an integer from 1 to ${MAX_WIDTH}, got ${width}`);
    }
    this.bytes = Buffer.alloc(rows * width);
    this.lengths = new Uint8Array(rows);
  }

  /** Stores `value` (a string or null, or anything a caller broke the types with) at `row`. */
  write(row: number, value: unknown): void {
    if (value === null) {
      this.lengths[row] = NULL_VALUE;
      return;
    }
    if (typeof value === 'string' && value.length <= this.width) {
      const n = value.length;
      const bytes = this.bytes;
      const at = row * this.width;
      let i = 0;
      for (; i < n; i++) {
        const code = charCodeAt.call(value, i);
        if (code > 0xff) break;
        bytes[at + i] = code;
      }
      if (i === n) {
        this.lengths[row] = n;
        return;
      }
    }
    this.lengths[row] = BY_REFERENCE;
    this.others.set(row, value);
  }

  /** The value stored at `row`: an equal string (a new one, unless kept by reference) or null. */
  read(row: number): unknown {
    const n = this.lengths[row] ?? NULL_VALUE;
    if (n === NULL_VALUE) return null;
    if (n === BY_REFERENCE) return this.others.get(row);
    const at = row * this.width;
    return this.bytes.toString('latin1', at, at + n);
  }

  /**
   * Whether the value at `row` is a string of `minLength` to `maxLength` characters, or null when
   * `nullable`: the check of a string field, without reading the string back.
   */
  holdsString(row: number, minLength: number, maxLength: number, nullable: boolean): boolean {
    const n = this.lengths[row] ?? NULL_VALUE;
    if (n === NULL_VALUE) return nullable;
    if (n !== BY_REFERENCE) return n >= minLength && n <= maxLength;
    const value = this.others.get(row);
    return typeof value === 'string' && value.length >= minLength && value.length <= maxLength;
  }

  /** Forgets the value at `row`, so a value kept by reference is not held past its row. */
  release(row: number): void {
    if (this.lengths[row] === BY_REFERENCE) this.others.delete(row);
    this.lengths[row] = NULL_VALUE;
  }
}
