/**
 * The index of window fingerprints, in typed arrays so a lookup is a few loads: an open-addressing
 * table (slot → entry + 1, 0 = empty) over entries holding both hash halves, the window length and
 * the secret's name; in front of it a bit set on the bucket key's top bits (of every window and
 * every head, see HEAD in ./fingerprints), which the scan tests before it touches the table.
 */
const SLOT_MIX = 0x85ebca6b | 0;
/**
 * About 128 bits per fingerprint keeps bucket misses (bit set, no fingerprint) near 1 in 128: a
 * miss costs a probe of the table, and 100 values' bit set still fits in 64 KiB.
 */
const BITS_PER_ENTRY_LOG2 = 7;
const MIN_BITSET_LOG2 = 12;
/** The recheck bit set has a quarter of the first one's bits (32 per key): together about 1 miss in 4,000. */
const RECHECK_SMALLER_LOG2 = 2;
export const RECHECK_MIX = 0x9e3779b1 | 0;
const MAX_BITSET_LOG2 = 27;

export class FingerprintTable {
  slots = new Int32Array(1 << 10);
  slotShift = 32 - 10;
  bucket = new Int32Array(1 << 9);
  check = new Int32Array(1 << 9);
  length = new Uint8Array(1 << 9);
  nameOf = new Int32Array(1 << 9);
  /** 1 for a window of a value read backwards (BACKWARDS in ./fingerprints). */
  backwards = new Uint8Array(1 << 9);
  readonly names: string[] = [];
  readonly #nameIndex = new Map<string, number>();
  entries = 0;
  /** Bucket keys of the heads (in the bit set only: a head is never a match on its own). */
  heads = new Int32Array(1 << 6);
  headCount = 0;
  bitset = new Int32Array(1 << (MIN_BITSET_LOG2 - 5));
  bitsetShift = 32 - MIN_BITSET_LOG2;
  /**
   * A second, smaller bit set on a remix of the bucket key, tested only where the first one hits:
   * repetitive text (a JSON array of like objects) repeats a bit-set miss thousands of times, each
   * a probe of the table, and with a random key a body could take twice as long as with another.
   */
  recheck = new Int32Array(1 << (MIN_BITSET_LOG2 - 5 - RECHECK_SMALLER_LOG2));
  recheckShift = 32 - MIN_BITSET_LOG2 + RECHECK_SMALLER_LOG2;
  #bitsetStale = false;
  /** Window lengths in use, longest first: W, and the length of each value shorter than W. */
  lengths: number[] = [];
  minLength = Infinity;

  /** Adds one fingerprint; a window already known keeps the first name learnt (and reading direction). */
  insert(len: number, h1: number, h2: number, name: string, backwards = false): void {
    const mask = this.slots.length - 1;
    let slot = Math.imul(h1, SLOT_MIX) >>> this.slotShift;
    for (let e = this.slots[slot]!; e !== 0; e = this.slots[slot]!) {
      if (this.bucket[e - 1] === h1 && this.check[e - 1] === h2 && this.length[e - 1] === len) return;
      slot = (slot + 1) & mask;
    }
    const index = this.entries;
    if (index === this.bucket.length) this.#growEntries();
    let nameIndex = this.#nameIndex.get(name);
    if (nameIndex === undefined) {
      nameIndex = this.names.push(name) - 1;
      this.#nameIndex.set(name, nameIndex);
    }
    this.bucket[index] = h1;
    this.check[index] = h2;
    this.length[index] = len;
    this.nameOf[index] = nameIndex;
    this.backwards[index] = backwards ? 1 : 0;
    this.slots[slot] = index + 1;
    this.entries++;
    if (this.entries * 2 > this.slots.length) this.#growSlots();
    if (!this.lengths.includes(len)) {
      this.lengths = [...this.lengths, len].sort((a, b) => b - a);
      this.minLength = Math.min(len, this.minLength);
    }
    this.#mark(h1);
  }

  /** Last-window bucket keys of the stretches starting at each head's bucket key (see STRETCH). */
  readonly stretches = new Map<number, number[]>();

  /** Notes a run of indexed windows from a head with this bucket key to a last window with that one. */
  insertStretch(head: number, tail: number): void {
    const tails = this.stretches.get(head);
    if (!tails) this.stretches.set(head, [tail]);
    else if (!tails.includes(tail)) tails.push(tail);
  }

  /** Whether some stretch of a value runs from a head with this key to a last window with that one. */
  isStretch(head: number, tail: number): boolean {
    return this.stretches.get(head)?.includes(tail) ?? false;
  }

  /** Whether a stretch starts at a head with this key. */
  isHead(head: number): boolean {
    return this.stretches.has(head);
  }

  /** Adds a head's bucket key to the bit set. */
  insertHead(h1: number): void {
    if (this.headCount === this.heads.length) {
      const heads = new Int32Array(this.heads.length * 2);
      heads.set(this.heads);
      this.heads = heads;
    }
    this.heads[this.headCount++] = h1;
    this.#mark(h1);
  }

  #mark(h1: number): void {
    if ((this.entries + this.headCount) << BITS_PER_ENTRY_LOG2 > this.bitset.length << 5) this.#bitsetStale = true;
    else this.#setBit(h1);
  }

  /** Whether some window of length `len` has this bucket key. */
  hasBucket(h1: number, len: number): boolean {
    return this.find(h1, len, null) >= 0;
  }

  /** The entry with these hash halves and length (any check half when `h2` is null), or -1. */
  find(h1: number, len: number, h2: number | null): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = Math.imul(h1, SLOT_MIX) >>> this.slotShift, e = slots[slot]!; e !== 0; slot = (slot + 1) & mask, e = slots[slot]!) {
      if (this.bucket[e - 1] === h1 && this.length[e - 1] === len && (h2 === null || this.check[e - 1] === h2)) return e - 1;
    }
    return -1;
  }

  /** Resizes the bit set to the entry count, once before a scan rather than at every insert. */
  prepare(): void {
    if (!this.#bitsetStale) return;
    const keys = this.entries + this.headCount;
    const bits = Math.min(MAX_BITSET_LOG2, Math.max(MIN_BITSET_LOG2, Math.ceil(Math.log2(Math.max(1, keys) << BITS_PER_ENTRY_LOG2))));
    this.bitset = new Int32Array(1 << (bits - 5));
    this.bitsetShift = 32 - bits;
    this.recheck = new Int32Array(1 << (bits - 5 - RECHECK_SMALLER_LOG2));
    this.recheckShift = 32 - bits + RECHECK_SMALLER_LOG2;
    for (let e = 0; e < this.entries; e++) this.#setBit(this.bucket[e]!);
    for (let e = 0; e < this.headCount; e++) this.#setBit(this.heads[e]!);
    this.#bitsetStale = false;
  }

  #setBit(h1: number): void {
    const slot = h1 >>> this.bitsetShift; // the top bits mix every character's keyed word
    this.bitset[slot >>> 5]! |= 1 << (slot & 31);
    const again = Math.imul(h1, RECHECK_MIX) >>> this.recheckShift;
    this.recheck[again >>> 5]! |= 1 << (again & 31);
  }

  #growEntries(): void {
    const size = this.bucket.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.bucket = grow(this.bucket, new Int32Array(size));
    this.check = grow(this.check, new Int32Array(size));
    this.length = grow(this.length, new Uint8Array(size));
    this.nameOf = grow(this.nameOf, new Int32Array(size));
    this.backwards = grow(this.backwards, new Uint8Array(size));
  }

  #growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    this.slotShift--;
    const mask = slots.length - 1;
    for (let e = 0; e < this.entries; e++) {
      let slot = Math.imul(this.bucket[e]!, SLOT_MIX) >>> this.slotShift;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}
