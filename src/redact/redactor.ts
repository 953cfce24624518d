/**
 * Removes secret values, in every spelling from ./encodings, from text that is about to leave the
 * server. One pass over the text finds every pattern at once, however many there are: a rolling
 * hash of the `q` characters at each position is tested against a bitset of the patterns'
 * prefixes (a multi-pattern Rabin–Karp), and only a bitset hit compares strings. This keeps the
 * cost per character flat from 100 to 10,000 secrets, which a trie-based automaton in JavaScript
 * does not (its tables outgrow the CPU caches).
 */
import { encodingsOf, MIN_PATTERN_LENGTH } from './encodings.js';

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

interface Pattern {
  text: string;
  name: string;
}

interface Span {
  start: number;
  end: number;
  name: string;
}

const PREFIX_LENGTH = 8;
const GOLDEN = 0x9e3779b1 | 0;

export function replacementFor(name: string): string {
  return `[REDACTED:${name}]`;
}

export class Redactor {
  /** Prefix hash → patterns with that prefix hash, longest first. */
  #buckets = new Map<number, Pattern[]>();
  #bitset = new Int32Array(1);
  #bitsetShift = 32;
  #q = PREFIX_LENGTH;
  /** Bits each character is shifted by: after q characters the oldest has left the 32-bit hash. */
  #shiftPerChar = 4;
  #patterns = new Map<string, Pattern>();
  #known = new Set<string>();
  #longest = 0;
  #dirty = true;

  /** Length of the longest pattern: how much text a stream must hold back. */
  get longestPattern(): number {
    return this.#longest;
  }

  get patternCount(): number {
    return this.#patterns.size;
  }

  /** Learns a value (idempotent). Every later call redacts it, in every encoding. */
  add(secret: SecretValue): void {
    const key = `${secret.name}\u0000${secret.value}`;
    if (this.#known.has(key) || secret.value.length === 0) return;
    this.#known.add(key);
    for (const text of encodingsOf(secret.value)) {
      if (this.#patterns.has(text)) continue;
      const pattern = { text, name: secret.name };
      this.#patterns.set(text, pattern);
      this.#longest = Math.max(this.#longest, text.length);
      if (!this.#dirty && text.length >= this.#q && this.#patterns.size <= this.#capacity()) this.#index(pattern);
      else this.#dirty = true;
    }
  }

  redact(text: string): RedactResult {
    const spans = this.#scan(text);
    const names: string[] = [];
    return { text: applySpans(text, spans, text.length, names), redacted: names };
  }

  stream(): RedactStream {
    let held = '';
    /**
     * How many leading characters of `held` were already replaced by the last marker passed on:
     * a match that straddled the safe point. Holding back from the safe point (not from the end of
     * that match) keeps an overlapping occurrence that is still arriving findable, so it merges
     * with the marker already sent instead of leaking its tail (as redact() on the whole text).
     */
    let covered = 0;
    const names: string[] = [];
    /** Emits buffer[from, upTo) with spans replaced; returns the text and where emission stopped. */
    const emit = (buffer: string, spans: Span[], from: number, upTo: number): { out: string; at: number } => {
      let out = '';
      let at = from;
      for (const s of spans) {
        if (s.start >= upTo) break;
        if (s.start < at) {
          // Overlaps text already replaced by a marker: the same redaction continues.
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
    return {
      push: (chunk: string) => {
        const buffer = held + chunk;
        // Any value starting before `safe` lies wholly inside the buffer, so it is found now;
        // one starting later may still be arriving and stays held back.
        const safe = buffer.length - Math.max(0, this.#longest - 1);
        if (safe <= 0) {
          held = buffer;
          return '';
        }
        const spans = this.#scan(buffer);
        const { out, at } = emit(buffer, spans, covered, safe);
        held = buffer.slice(safe);
        covered = at - safe;
        return out;
      },
      end: () => {
        const rest = held;
        const { out } = emit(rest, this.#scan(rest), covered, rest.length);
        held = '';
        covered = 0;
        return out;
      },
      get redacted() {
        return names;
      },
    };
  }

  #capacity(): number {
    return (this.#bitset.length * 32) / 16;
  }

  #rebuild(): void {
    let shortest = PREFIX_LENGTH;
    for (const p of this.#patterns.values()) shortest = Math.min(shortest, p.text.length);
    this.#q = Math.max(MIN_PATTERN_LENGTH, shortest);
    this.#shiftPerChar = Math.ceil(32 / this.#q);
    // About 16 bits per pattern keeps false hits (a bitset hit with no pattern) well under 1 %.
    const bits = Math.min(26, Math.max(12, Math.ceil(Math.log2(Math.max(1, this.#patterns.size) * 16))));
    this.#bitset = new Int32Array(1 << (bits - 5));
    this.#bitsetShift = 32 - bits;
    this.#buckets.clear();
    for (const p of this.#patterns.values()) this.#index(p);
    this.#dirty = false;
  }

  #index(pattern: Pattern): void {
    let h = 0;
    for (let i = 0; i < this.#q; i++) h = ((h << this.#shiftPerChar) + pattern.text.charCodeAt(i)) | 0;
    const slot = Math.imul(h, GOLDEN) >>> this.#bitsetShift;
    this.#bitset[slot >>> 5]! |= 1 << (slot & 31);
    const bucket = this.#buckets.get(h);
    if (bucket) {
      bucket.push(pattern);
      bucket.sort((a, b) => b.text.length - a.text.length);
    } else this.#buckets.set(h, [pattern]);
  }

  /** Every occurrence, overlapping ones merged, in text order. */
  #scan(text: string): Span[] {
    if (this.#dirty) this.#rebuild();
    const spans: Span[] = [];
    const q = this.#q;
    const n = text.length;
    if (this.#patterns.size === 0 || n < q) return spans;
    const bitset = this.#bitset;
    const shift = this.#bitsetShift;
    const step = this.#shiftPerChar;
    // A shift-and-add hash of the last q characters: older ones fall off the top of the 32 bits.
    let h = 0;
    for (let i = 0; i < q; i++) h = ((h << step) + text.charCodeAt(i)) | 0;
    for (let i = 0; ; i++) {
      const slot = Math.imul(h, GOLDEN) >>> shift;
      if ((bitset[slot >>> 5]! & (1 << (slot & 31))) !== 0) {
        const bucket = this.#buckets.get(h);
        if (bucket) {
          for (const p of bucket) {
            if (text.startsWith(p.text, i)) {
              const end = i + p.text.length;
              const last = spans[spans.length - 1];
              if (last && i < last.end) last.end = Math.max(last.end, end);
              else spans.push({ start: i, end, name: p.name });
              break;
            }
          }
        }
      }
      if (i + q >= n) break;
      h = ((h << step) + text.charCodeAt(i + q)) | 0;
    }
    return spans;
  }
}

/** text[0, upTo) with each span replaced by its marker; found names appended to `names`. */
function applySpans(text: string, spans: Span[], upTo: number, names: string[]): string {
  if (spans.length === 0) return text.slice(0, upTo);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start >= upTo) break;
    out += text.slice(at, s.start) + replacementFor(s.name);
    at = s.end;
    if (!names.includes(s.name)) names.push(s.name);
  }
  return out + text.slice(at, Math.max(at, upTo));
}
