/**
 * Removes secret material from text that is about to leave the server: decode, then match windows.
 *
 * Index: for every value, every window of W = 12 characters (a value shorter than W is one window
 * of its own length), lowercased, is stored as a keyed fingerprint only, two 32-bit halves:
 *  - the bucket key, a keyed tabulation hash rolled in O(1) per character with no removal step:
 *    h = (h << ⌈32/L⌉) + T[c], T a random word per character (random multiplier and mask outside
 *    ASCII), so a character has left the 32 bits when it leaves the window;
 *  - a keyed multiply–xorshift hash of the whole window, checked on a bucket hit.
 * All keys come from crypto.randomBytes per Redactor; the value string is not kept after `add`.
 * Windows that lie entirely inside a public part of a value (a leading vendor prefix such as
 * `sk-live-` or `ghp_`, a PEM armour line, a standard JWT header and the `eyJ` every payload starts
 * with) are not indexed: they are the same in everyone's keys. A window that reaches one character
 * past a public part is indexed.
 *
 * Scan: the text is read as the identity view plus every decoded view (./views: HTML references,
 * JSON escapes, repeated percent-decoding, base64/hex runs, latin1 and UTF-16 re-reads, line-break
 * spellings, composed up to 3 layers), each lowercased as it is hashed. A window hit in any view
 * marks the original span it maps to; overlapping and adjacent marks merge, and each merged span
 * becomes `[REDACTED:NAME]`. A decoded view exists only where the text contains what it decodes,
 * so plain text pays for the identity view only. A cut value is caught as long as W characters of
 * it survive; at most W − 1 characters of a value can remain next to a marker.
 */
import { randomBytes } from 'node:crypto';
import { decodedViews, identityView, type View, BREAK } from './views.js';

export interface SecretValue {
  name: string;
  value: string;
}

export interface RedactResult {
  text: string;
  /** Names of the secrets found (each once, in order of first appearance). */
  redacted: string[];
}

export interface RedactStream {
  /** Feed the next piece of text; returns what is safe to pass on now. */
  push(chunk: string): string;
  /** No more input: returns the held-back remainder, redacted. */
  end(): string;
  /** Names found so far. */
  readonly redacted: string[];
}

interface Span {
  start: number;
  end: number;
  name: string;
}


/** Window length: a hit needs this many consecutive characters of a value (in some view). */
export const WINDOW = 12;
/**
 * Most original characters one view character may come from and still be found across a stream's
 * chunk boundary: 64 covers every spelling of one character by up to two layers of encoding we
 * decode (a doubly percent-encoded 4-byte character is 20 characters per UTF-16 unit; an HTML hex
 * reference 10; `\uXXXX` inside a numeric reference 30; base64 wrapped every character far less).
 */
const SPAN_PER_CHAR = 64;
/** What stream() holds back: a window of W characters spelled with up to SPAN_PER_CHAR each. */
export const STREAM_HOLD_BACK = WINDOW * SPAN_PER_CHAR;

/**
 * Undecoded characters kept beside each decoded region: a window may be half decoded, half plain,
 * and the plain half may itself be decoded by a later layer (a `%3D` inside the context of a `%25`),
 * so the context is 8 characters of spelling per window character, not W − 1.
 */
const CONTEXT = WINDOW * 8;
const SLOT_MIX = 0x85ebca6b | 0;

/** Lowercase of each UTF-16 unit when it stays one unit (else the unit itself). */
const LOWER = new Uint16Array(65536);
let lowerFull = false;
for (let c = 0; c < 128; c++) LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
function fillLower(): void {
  for (let c = 128; c < 65536; c++) {
    const l = String.fromCharCode(c).toLowerCase();
    LOWER[c] = l.length === 1 ? l.charCodeAt(0) : c;
  }
  lowerFull = true;
}
function lowerOf(c: number): number {
  if (c >= 128 && !lowerFull) fillLower();
  return LOWER[c]!;
}

/** Astral code point → its lowercase (one code point), cached: a few scripts have case there. */
const ASTRAL_LOWER = new Map<number, number>();
/** Lowercase of the unit at `i` (a surrogate is lowercased with its pair, as one code point). */
function lowerAt(s: string, i: number, c: number): number {
  if ((c & 0xf800) !== 0xd800) return lowerOf(c);
  const high = c < 0xdc00;
  const other = s.charCodeAt(high ? i + 1 : i - 1);
  if (high ? (other & 0xfc00) !== 0xdc00 : (other & 0xfc00) !== 0xd800) return c;
  const cp = high ? ((c - 0xd800) << 10) + (other - 0xdc00) + 0x10000 : ((other - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
  let low = ASTRAL_LOWER.get(cp);
  if (low === undefined) {
    const l = String.fromCodePoint(cp).toLowerCase();
    low = l.length === 2 ? l.codePointAt(0)! : cp;
    ASTRAL_LOWER.set(cp, low);
  }
  return high ? 0xd800 + ((low - 0x10000) >> 10) : 0xdc00 + ((low - 0x10000) & 0x3ff);
}

/** Public parts of a value (vendor prefixes, PEM armour, a JWT header): windows wholly inside are not indexed. */
const VENDOR_PREFIX = /^(?:sk-(?:live|test|proj|ant(?:-api\d+)?|or-v\d+)?-|sk_(?:live|test)_|rk_(?:live|test)_|pk_(?:live|test)_|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|xox[abprs]-|glpat-|AKIA|ASIA|AIza|SG\.|npm_|pypi-|dop_v1_|hf_)/;
const PUBLIC_JWT_PAYLOAD_PREFIX = 12;
const STANDARD_JWT_HEADERS = /^eyJ(?:hbGciOi|0eXAiOi)[A-Za-z0-9_-]*$/;
export function publicParts(value: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  const prefix = VENDOR_PREFIX.exec(value);
  if (prefix) parts.push([0, prefix[0].length]);
  const armour = /-----(?:BEGIN|END) [A-Z0-9 ]+-----/g;
  for (let m = armour.exec(value); m; m = armour.exec(value)) parts.push([m.index, m.index + m[0].length]);
  // A JWT's header is one of a few standard ones, and a payload's first 12 characters are the
  // base64 of `{"` and its first claim's name (`{"sub":"`, `{"iss":"`), shared by most tokens.
  const jwt = /^([A-Za-z0-9_-]+)\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.exec(value);
  if (jwt && STANDARD_JWT_HEADERS.test(jwt[1]!)) parts.push([0, jwt[1]!.length + 1 + PUBLIC_JWT_PAYLOAD_PREFIX]);
  return parts;
}

export function replacementFor(name: string): string {
  return `[REDACTED:${name}]`;
}

export class Redactor {
  /** Keyed tabulation: a random 32-bit word per (lowercased) ASCII character. */
  readonly #t = new Int32Array(128);
  /** Keys for characters outside ASCII, and for the fingerprint's second half. */
  readonly #km: number;
  readonly #kx: number;
  readonly #k2: number;
  readonly #k3: number;
  /**
   * Fingerprints, in an open-addressing table (typed arrays: a lookup is a few loads, not a Map
   * probe): slot → entry index + 1 (0 = empty); per entry its two hash halves, window length and
   * secret name (as an index into #names).
   */
  #slots = new Int32Array(1 << 10);
  #slotShift = 32 - 10;
  #eh1 = new Int32Array(1 << 9);
  #eh2 = new Int32Array(1 << 9);
  #elen = new Uint8Array(1 << 9);
  #ename = new Int32Array(1 << 9);
  #names: string[] = [];
  #nameIndex = new Map<string, number>();
  #entries = 0;
  /** Reused buffer for reading ASCII text as bytes. */
  #scratch = Buffer.alloc(0);
  #bitset = new Int32Array(1 << 7);
  #bitsetShift = 32 - 12;
  #dirty = false;
  /** Window lengths in use, longest first: W, and the length of each value shorter than W. */
  #lengths: number[] = [];
  #minLength = WINDOW;

  constructor() {
    const r = randomBytes(128 * 4 + 16);
    // The low bit of each word says "base64 alphabet", so the scan notes runs without another lookup.
    for (let c = 0; c < 128; c++) this.#t[c] = (r.readInt32LE(4 * LOWER[c]!) & ~1) | B64_CLASS[c]!;
    this.#km = r.readInt32LE(512) | 1;
    this.#kx = r.readInt32LE(516);
    this.#k2 = r.readInt32LE(520) | 1;
    this.#k3 = r.readInt32LE(524);
  }

  /** How much text a stream holds back (0 while nothing is indexed). */
  get longestPattern(): number {
    return this.#entries === 0 ? 0 : STREAM_HOLD_BACK;
  }

  /** Fingerprints in the index. */
  get patternCount(): number {
    return this.#entries;
  }

  /** Learns a value (idempotent): every window of it is redacted from now on, however spelled. */
  add(secret: SecretValue): void {
    const value = secret.value;
    if (value.length < 2) return; // one character would mark every occurrence of it
    const forms = new Set<string>([value]);
    // A lone surrogate goes out, and comes back, as U+FFFD.
    forms.add(Buffer.from(value, 'utf8').toString('utf8'));
    if (/[\r\n]/.test(value)) {
      const lf = value.replace(/\r\n?/g, '\n');
      forms.add(lf);
      // Multi-line values also come back with their lines joined (a PEM body on one line).
      forms.add(lf.replace(/\n/g, ''));
      forms.add(lf.replace(/\n/g, ' '));
    }
    for (const form of forms) this.#indexForm(form, secret.name);
  }

  #indexForm(form: string, name: string): void {
    const len = Math.min(WINDOW, form.length);
    const pub = publicParts(form);
    const inPublic = (s: number) => pub.some(([a, b]) => s >= a && s + len <= b);
    let starts: number[] = [];
    for (let s = 0; s + len <= form.length; s++) if (!inPublic(s)) starts.push(s);
    // A value that is all public parts is still indexed whole: better too much than nothing.
    if (starts.length === 0) starts = Array.from({ length: form.length - len + 1 }, (_, s) => s);
    const shift = shiftFor(len);
    for (const s of starts) {
      let h1 = 0;
      for (let k = s; k < s + len; k++) h1 = ((h1 << shift) + this.#code(form, k)) | 0;
      this.#insert(h1, this.#h2(form, s, s + len), len, name);
    }
  }

  #code(s: string, i: number): number {
    const c = s.charCodeAt(i);
    return c < 128 ? this.#t[c]! : Math.imul(lowerAt(s, i, c), this.#km) ^ this.#kx;
  }

  /** The second half of the fingerprint: a keyed multiply–xorshift hash of the lowercased window (32 bits). */
  #h2(s: string, from: number, to: number): number {
    const k2 = this.#k2;
    let h = this.#k3;
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      h = Math.imul(h ^ (c < 128 ? LOWER[c]! : lowerAt(s, k, c)), k2);
      h ^= h >>> 15;
    }
    return h;
  }

  #insert(h1: number, h2: number, len: number, name: string): void {
    const mask = this.#slots.length - 1;
    let slot = Math.imul(h1, SLOT_MIX) >>> this.#slotShift;
    for (let e = this.#slots[slot]!; e !== 0; e = this.#slots[slot]!) {
      // Same window already known: the first name learnt keeps it.
      if (this.#eh1[e - 1] === h1 && this.#eh2[e - 1] === h2 && this.#elen[e - 1] === len) return;
      slot = (slot + 1) & mask;
    }
    const index = this.#entries;
    if (index === this.#eh1.length) this.#growEntries();
    let nameIndex = this.#nameIndex.get(name);
    if (nameIndex === undefined) {
      nameIndex = this.#names.push(name) - 1;
      this.#nameIndex.set(name, nameIndex);
    }
    this.#eh1[index] = h1;
    this.#eh2[index] = h2;
    this.#elen[index] = len;
    this.#ename[index] = nameIndex;
    this.#slots[slot] = index + 1;
    this.#entries++;
    if (this.#entries * 2 > this.#slots.length) this.#growSlots();
    if (!this.#lengths.includes(len)) {
      this.#lengths = [...this.#lengths, len].sort((a, b) => b - a);
      this.#minLength = Math.min(...this.#lengths);
    }
    if (this.#entries * 32 > this.#bitset.length << 5) this.#dirty = true;
    else this.#setBit(h1);
  }

  #growEntries(): void {
    const size = this.#eh1.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#eh1 = grow(this.#eh1, (n) => new Int32Array(n));
    this.#eh2 = grow(this.#eh2, (n) => new Int32Array(n));
    this.#elen = grow(this.#elen, (n) => new Uint8Array(n));
    this.#ename = grow(this.#ename, (n) => new Int32Array(n));
  }

  #growSlots(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    this.#slotShift--;
    const mask = slots.length - 1;
    for (let e = 0; e < this.#entries; e++) {
      let slot = Math.imul(this.#eh1[e]!, SLOT_MIX) >>> this.#slotShift;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.#slots = slots;
  }

  #setBit(h1: number): void {
    const slot = h1 >>> this.#bitsetShift; // the top bits mix every character's random word
    this.#bitset[slot >>> 5]! |= 1 << (slot & 31);
  }

  #rebuild(): void {
    // About 32 bits per fingerprint keeps bucket misses (bit set, no fingerprint) near 1 in 32.
    const bits = Math.min(27, Math.max(12, Math.ceil(Math.log2(Math.max(1, this.#entries) * 32))));
    this.#bitset = new Int32Array(1 << (bits - 5));
    this.#bitsetShift = 32 - bits;
    for (let e = 0; e < this.#entries; e++) this.#setBit(this.#eh1[e]!);
    this.#dirty = false;
  }

  redact(text: string): RedactResult {
    const spans = this.#scan(text);
    const names: string[] = [];
    return { text: applySpans(text, spans, names), redacted: names };
  }

  /**
   * Bytes as they came (a body): redacted in the given charset (default UTF-8), and also searched
   * as latin1 and as UTF-16LE/BE, whose hits are mapped back onto the charset's text.
   */
  redactBytes(bytes: Uint8Array, charset = 'utf-8'): RedactResult {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const cs = charset.toLowerCase().replace(/[^a-z0-9]/g, '');
    const primary: BufferEncoding = cs === 'latin1' || cs === 'iso88591' || cs === 'windows1252' || cs === 'ascii' ? 'latin1' : cs === 'utf16le' || cs === 'utf16' ? 'utf16le' : 'utf8';
    // Byte offset at which each character of the primary text starts.
    const text = buf.toString(primary);
    const byteAt = charByteOffsets(text, primary);
    const spans = this.#scan(text);
    const others: Array<[BufferEncoding | 'utf16be', number]> = [['latin1', 1], ['utf16le', 2], ['utf16be', 2]];
    for (const [enc, width] of others) {
      if (enc === primary) continue;
      for (const shift of width === 2 ? [0, 1] : [0]) {
        const slice = buf.subarray(shift);
        const t = enc === 'utf16be' ? Buffer.from(slice.subarray(0, slice.length & ~1)).swap16().toString('utf16le') : slice.toString(enc as BufferEncoding);
        for (const s of this.#scan(t)) {
          // Original byte span → the primary text's characters that overlap it.
          const b0 = shift + s.start * width;
          const b1 = shift + s.end * width;
          spans.push({ start: upperBound(byteAt, b0) - 1, end: lowerBound(byteAt, b1), name: s.name });
        }
      }
    }
    const names: string[] = [];
    return { text: applySpans(text, mergeSpans(spans.filter((s) => s.end > s.start && s.start >= 0)), names), redacted: names };
  }

  stream(): RedactStream {
    let held = '';
    /**
     * How many leading characters of `held` were already replaced by the last marker passed on:
     * a match that straddled the safe point. Holding back from the safe point (not from the end of
     * that match) keeps an overlapping occurrence that is still arriving findable, so it merges
     * with the marker already sent instead of leaking its tail.
     */
    let covered = 0;
    const names: string[] = [];
    const emit = (buffer: string, spans: Span[], from: number, upTo: number): { out: string; at: number } => {
      let out = '';
      let at = from;
      for (const s of spans) {
        if (s.start >= upTo) break;
        if (s.start < at) {
          at = Math.max(at, s.end);
          continue;
        }
        out += buffer.slice(at, s.start) + replacementFor(s.name);
        at = s.end;
        if (!names.includes(s.name)) names.push(s.name);
      }
      if (at < upTo) {
        out += buffer.slice(at, upTo);
        at = upTo;
      }
      return { out, at };
    };
    /**
     * Text already passed on, kept as left context when the held-back tail is scanned again: a
     * decoded run (base64 glued to what came before it) must be decoded from where it starts, or a
     * window in the tail is missed. Context is scanned, never emitted again.
     */
    let context = '';
    return {
      push: (chunk: string) => {
        const buffer = context + held + chunk;
        const base = context.length;
        // A window whose spelling starts before `safe` lies wholly inside the buffer (its spelling
        // is at most STREAM_HOLD_BACK characters), so it is found now; a later one stays held.
        const safe = buffer.length - (this.#entries === 0 ? 0 : STREAM_HOLD_BACK);
        if (safe <= base) {
          held = buffer.slice(base);
          return '';
        }
        const spans = this.#scan(buffer);
        const { out, at } = emit(buffer, spans, base + covered, safe);
        context = buffer.slice(Math.max(0, safe - STREAM_HOLD_BACK), safe);
        held = buffer.slice(safe);
        covered = at - safe;
        return out;
      },
      end: () => {
        const buffer = context + held;
        const { out } = emit(buffer, this.#scan(buffer), context.length + covered, buffer.length);
        context = '';
        held = '';
        covered = 0;
        return out;
      },
      get redacted() {
        return names;
      },
    };
  }

  /** Every marked span of the original text, merged, in text order. Never throws. */
  #scan(text: string): Span[] {
    if (this.#entries === 0 || text.length < this.#minLength) return [];
    if (this.#dirty) this.#rebuild();
    const hits: Span[] = [];
    const minBase64 = Math.min(16, Math.ceil((this.#minLength * 4) / 3));
    const runs: number[] = [];
    const rootHigh = this.#scanView(identityView(text), hits, runs, minBase64);
    let views: View[] = [];
    try {
      views = decodedViews(text, { context: CONTEXT, minBase64, minHex: Math.min(24, this.#minLength * 2), minWindow: this.#minLength, rootRuns: runs, rootHigh });
    } catch {
      views = [];
    }
    for (const v of views) this.#scanView(v, hits, null, 0);
    return wholePairs(text, mergeSpans(hits));
  }

  /**
   * Hashes every window of `v` and records the original span of each one in the index. The bucket
   * hash rolls with no removal step: each character's keyed word is shifted by ⌈32 / L⌉ bits per
   * step, so a character leaves the 32 bits by the time it leaves the window. On the identity view
   * the same pass notes base64-alphabet runs (`runs`), so plain text is read once.
   */
  /** Scans `v` for every window length; on the identity view (`runs` given) also notes base64 runs and returns whether a latin1 re-read is worth building. */
  #scanView(v: View, hits: Span[], runs: number[] | null, minRun: number): boolean {
    let first = true;
    let high = false;
    for (const len of this.#lengths) {
      if (v.text.length < len) continue;
      if (first && runs !== null) high = this.#scanNotingRuns(v, len, hits, runs, minRun);
      else this.#scanWindows(v, len, hits);
      first = false;
    }
    return high;
  }

  #scanWindows(v: View, len: number, hits: Span[]): void {
    const s = v.text;
    const starts = v.start;
    const n = s.length;
    const t = this.#t;
    const km = this.#km;
    const kx = this.#kx;
    const bitset = this.#bitset;
    const bshift = this.#bitsetShift;
    const shift = shiftFor(len);
    let h = 0;
    let lastBreak = -1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) h = ((h << shift) + t[c]!) | 0;
      else if (c === BREAK && starts !== null && starts[i] === -1) {
        h = 0;
        lastBreak = i;
        continue;
      } else h = ((h << shift) + (Math.imul(lowerAt(s, i, c), km) ^ kx)) | 0;
      if (i - lastBreak < len) continue;
      const slot = h >>> bshift;
      if ((bitset[slot >>> 5]! & (1 << (slot & 31))) !== 0) this.#verify(v, i - len + 1, i + 1, h, len, hits);
    }
  }

  /** The same pass over the original text, noting base64-alphabet runs of at least `minRun` as it goes. */
  #scanNotingRuns(v: View, len: number, hits: Span[], runs: number[], minRun: number): boolean {
    // Pure ASCII (the usual body): read it as bytes, which V8 copies out in one go and which a
    // loop reads twice as fast as charCodeAt.
    if (Buffer.byteLength(v.text, 'utf8') === v.text.length) {
      if (this.#scratch.length < v.text.length) this.#scratch = Buffer.allocUnsafe(Math.max(v.text.length, this.#scratch.length * 2));
      this.#scratch.write(v.text, 0, 'latin1');
      this.#scanAscii(v, this.#scratch, len, hits, runs, minRun);
      return false;
    }
    let high = false;
    const s = v.text;
    const n = s.length;
    const t = this.#t;
    const km = this.#km;
    const kx = this.#kx;
    const bitset = this.#bitset;
    const bshift = this.#bitsetShift;
    const shift = shiftFor(len);
    let h = 0;
    let lastBreak = -1;
    let run = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        const tc = t[c]!;
        h = ((h << shift) + tc) | 0;
        run = (run + 1) & -(tc & 1);
        if (run === minRun) runs.push(i - minRun + 1, i + 1);
      } else {
        run = 0;
        if (c >= 0xc2 && c <= 0xf4) high = true;
        // The original text has no breaks: a U+FFFF in it is a character like any other.
        h = ((h << shift) + (Math.imul(lowerAt(s, i, c), km) ^ kx)) | 0;
      }
      if (i - lastBreak < len) continue;
      const slot = h >>> bshift;
      if ((bitset[slot >>> 5]! & (1 << (slot & 31))) !== 0) this.#verify(v, i - len + 1, i + 1, h, len, hits);
    }
    return high;
  }

  #scanAscii(v: View, bytes: Buffer, len: number, hits: Span[], runs: number[], minRun: number): void {
    const n = v.text.length;
    const t = this.#t;
    const bitset = this.#bitset;
    const bshift = this.#bitsetShift;
    const shift = shiftFor(len);
    let h = 0;
    let run = 0;
    for (let i = 0; i < n; i++) {
      const tc = t[bytes[i]!]!;
      h = ((h << shift) + tc) | 0;
      // Length of the current base64-alphabet run; its start is noted once it is long enough (the
      // views extend it forward themselves).
      run = (run + 1) & -(tc & 1);
      if (run === minRun) runs.push(i - minRun + 1, i + 1);
      if (i < len - 1) continue;
      const slot = h >>> bshift;
      if ((bitset[slot >>> 5]! & (1 << (slot & 31))) !== 0) this.#verify(v, i - len + 1, i + 1, h, len, hits);
    }
  }

  #verify(v: View, from: number, to: number, h1: number, len: number, hits: Span[]): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let h2: number | undefined;
    for (let slot = Math.imul(h1, SLOT_MIX) >>> this.#slotShift, e = slots[slot]!; e !== 0; slot = (slot + 1) & mask, e = slots[slot]!) {
      if (this.#eh1[e - 1] !== h1 || this.#elen[e - 1] !== len) continue;
      h2 ??= this.#h2(v.text, from, to);
      if (this.#eh2[e - 1] !== h2) continue;
      const start = v.start ? v.start[from]! : from;
      const end = v.end ? v.end[to - 1]! : to;
      // Consecutive windows of one occurrence extend the last span instead of adding one each.
      const last = hits[hits.length - 1];
      if (last && start >= last.start && start <= last.end) last.end = Math.max(last.end, end);
      else hits.push({ start, end, name: this.#names[this.#ename[e - 1]!]! });
      return;
    }
  }
}

/** Bits the bucket hash shifts per character for windows of `len`: the oldest leaves after `len`. */
function shiftFor(len: number): number {
  return Math.ceil(32 / len);
}

const B64_CLASS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64_CLASS[c.charCodeAt(0)] = 1;

/** Spans widened so none cuts a surrogate pair in two (a marker never leaves half a character). */
function wholePairs(text: string, spans: Span[]): Span[] {
  for (const s of spans) {
    if (s.start > 0 && (text.charCodeAt(s.start) & 0xfc00) === 0xdc00 && (text.charCodeAt(s.start - 1) & 0xfc00) === 0xd800) s.start--;
    if (s.end < text.length && (text.charCodeAt(s.end) & 0xfc00) === 0xdc00 && (text.charCodeAt(s.end - 1) & 0xfc00) === 0xd800) s.end++;
  }
  return mergeSpans(spans);
}

/** Overlapping or touching spans merged (the earliest-starting one names the result). */
function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** text with each span replaced by its marker; found names appended to `names`. */
function applySpans(text: string, spans: Span[], names: string[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + replacementFor(s.name);
    at = s.end;
    if (!names.includes(s.name)) names.push(s.name);
  }
  return out + text.slice(at);
}

/** Byte offset of each character of `text` in `encoding`, plus a final entry for the end. */
function charByteOffsets(text: string, encoding: BufferEncoding): Int32Array {
  const out = new Int32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    out[i] = b;
    const c = text.charCodeAt(i);
    if (encoding === 'latin1') b += 1;
    else if (encoding === 'utf16le') b += 2;
    else if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out[++i] = b;
      b += 4;
    } else b += 3;
  }
  out[text.length] = b;
  return out;
}

function upperBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, a.length - 1);
}
