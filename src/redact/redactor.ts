/**
 * Removes secret material from text that is about to leave the server: decode, then match windows.
 *
 * The redactor keeps keyed fingerprints of every 12-character window of each value (./fingerprints),
 * never the value; it scans the text and its decoded views for them (./scan) and replaces each
 * merged span by `[REDACTED:NAME]`. A cut value is caught as long as W characters of it survive;
 * at most W − 1 characters of a value can remain next to a marker.
 */
import { BACKWARDS, fingerprintTriples, HEAD, STRETCH, hashKeys, type HashKeys, parseFingerprints, randomKey, WINDOW } from './fingerprints.js';
import { scanSteps, scanText, type ScanResult } from './scan.js';
import { applySpans, spansToReplace, type Span } from './spans.js';
import { DEFAULT_LIMITS, type DecodeLimits } from './views/index.js';
import { FingerprintTable } from './table.js';
import { CleanMemo } from './clean-memo.js';
import { scanTurn } from './scan-turns.js';

export { WINDOW, publicParts, windowFingerprints } from './fingerprints.js';
export { replacementFor, WITHHELD, WITHHELD_NOTICE } from './spans.js';
export type { ScanResult } from './scan.js';
export type { Span } from './spans.js';

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

export interface RedactorOptions {
  /** 32 bytes every hash key is derived from; fingerprints made with it (windowFingerprints) can be added. Random if absent. */
  key?: Uint8Array;
  /** How far decoding goes before a scan counts as incomplete (tests set these to 0). */
  limits?: Partial<DecodeLimits>;
  /**
   * Test-only switch (never set from env or config): treat an incomplete scan as complete, the
   * fail-open behaviour the fail-closed tests must catch.
   */
  unsafeFailOpen?: boolean;
}

/**
 * V8 keeps the subject of the last successful regular-expression match for the legacy `RegExp.input`
 * and `RegExp.lastMatch`: after a scan that is a view of the text or the value itself. A match on
 * the empty string replaces it, so no scanned text outlives the call there (issue 18 item 6).
 */
const EMPTY = /(?:)/;
function forgetLastMatch(): void {
  EMPTY.exec('');
}

/**
 * Most original characters one view character may come from and still be found across a stream's
 * chunk boundary: 64 covers every spelling of one character by up to two layers of encoding we
 * decode (a doubly percent-encoded 4-byte character is 20 characters per UTF-16 unit; an HTML hex
 * reference 10; `\uXXXX` inside a numeric reference 30; base64 wrapped every character far less).
 */
const SPAN_PER_CHAR = 64;
/** What stream() holds back: a window of W characters spelled with up to SPAN_PER_CHAR each. */
export const STREAM_HOLD_BACK = WINDOW * SPAN_PER_CHAR;
/** Most a cut read takes past its cap (longestPattern): 64 Ki secret-bearing characters spelled out. */
const MAX_READ_AHEAD = 4 * 1024 * 1024;

export class Redactor {
  readonly #keys: HashKeys;
  readonly #table = new FingerprintTable();
  readonly #limits: DecodeLimits;
  readonly #failOpen: boolean;
  /** Windows of the longest value learned (one add), for longestPattern. */
  #longestWindows = 0;
  /** Values public by design (`set --public`): redacted, never a tripwire. */
  readonly #public = new Set<string>();
  /** Short texts scanned clean since the last value was learned (header names and values, mostly). */
  readonly #clean = new CleanMemo(WINDOW);

  constructor(options: RedactorOptions = {}) {
    this.#keys = hashKeys(options.key ?? randomKey());
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#failOpen = options.unsafeFailOpen === true;
  }

  setPublic(name: string, isPublic: boolean): void {
    if (isPublic) this.#public.add(name);
    else this.#public.delete(name);
  }

  isPublic(name: string): boolean {
    return this.#public.has(name);
  }

  /**
   * How far past its cap a cut answer is read and scanned, never shown (0 while nothing is
   * indexed): the longest value learned, spelled with up to SPAN_PER_CHAR characters each, and at
   * least a window's hold-back. A stored value an honest answer holds whole and the cap cuts is then
   * read whole, not judged a piece of itself (red team 13: a PEM key longer than the window's
   * hold-back, cut by a preview's maxBytes, tripped the wire).
   */
  get longestPattern(): number {
    if (this.#table.entries === 0) return 0;
    return Math.min(MAX_READ_AHEAD, Math.max(STREAM_HOLD_BACK, (this.#longestWindows + WINDOW) * SPAN_PER_CHAR));
  }

  /** Fingerprints in the index. */
  get patternCount(): number {
    return this.#table.entries;
  }

  /** Learns a value (idempotent): every window of it is redacted from now on, however spelled. */
  add(secret: SecretValue): void {
    this.#addTriples(secret.name, fingerprintTriples(this.#keys, secret.value));
    forgetLastMatch();
  }

  /**
   * Learns a value from `windowFingerprints(key, value)` made with this redactor's key, without the
   * value: the same as `add({ name, value })`. Throws a TypeError on a malformed list.
   */
  addFingerprints(name: string, fingerprints: string): void {
    this.#addTriples(name, parseFingerprints(fingerprints));
  }

  #addTriples(name: string, triples: Int32Array): void {
    this.#clean.clear();
    let windows = 0;
    for (let i = 0; i < triples.length; i += 3) {
      if (triples[i] === HEAD) this.#table.insertHead(triples[i + 1]!);
      else if (triples[i] === STRETCH) this.#table.insertStretch(triples[i + 1]!, triples[i + 2]!);
      else {
        windows++;
        this.#table.insert(triples[i]! & ~BACKWARDS, triples[i + 1]!, triples[i + 2]!, name, (triples[i]! & BACKWARDS) !== 0);
      }
    }
    this.#longestWindows = Math.max(this.#longestWindows, windows);
  }

  redact(text: string): RedactResult {
    const names: string[] = [];
    const out = applySpans(text, this.#marked(this.inspect(text)), names).out;
    forgetLastMatch();
    return { text: out, redacted: names };
  }

  /** `text` with every indexed value written in it as is (no decoded view) replaced by its marker: admin-written text (./shown-text). */
  redactAsWritten(text: string): string {
    const out = applySpans(text, this.#marked(scanText(this.#keys, this.#table, text, this.#limits, true)), []).out;
    forgetLastMatch();
    return out;
  }

  /**
   * Every hit run in `text` (unmerged: one per occurrence and view, each saying whether it is a
   * whole value) and the ranges a decoding limit left unscanned. The response wall (./wall) decides
   * from this what an agent may see.
   */
  inspect(text: string): ScanResult {
    const memo = this.#clean.keyOf(text);
    if (memo !== undefined && this.#clean.has(memo)) return { hits: [], unscanned: [] };
    const result = scanText(this.#keys, this.#table, text, this.#limits);
    if (memo !== undefined && result.hits.length === 0 && result.unscanned.length === 0) this.#clean.add(memo);
    if (this.#failOpen) result.unscanned = [];
    forgetLastMatch();
    return result;
  }

  /**
   * `inspect`, yielding to the event loop between decoding pieces, one piece of all scans in flight
   * per turn of the loop (./scan-turns: many large answers do not hold up other calls), and giving up at `deadlineMs` from now: what is left is unscanned, so
   * withheld (fail closed).
   */
  async inspectAsync(text: string, deadlineMs = Infinity): Promise<ScanResult> {
    const until = performance.now() + deadlineMs;
    const steps = scanSteps(this.#keys, this.#table, text, this.#limits, () => performance.now() > until);
    let step = steps.next();
    while (!step.done) {
      await scanTurn();
      step = steps.next();
    }
    if (this.#failOpen) step.value.unscanned = [];
    forgetLastMatch();
    return step.value;
  }

  /** Spans to replace: hits merged, and every unscanned range as a withheld span (fail closed). */
  #marked(result: ScanResult): Span[] {
    return spansToReplace(result.hits, result.unscanned);
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
        const safe = buffer.length - (this.#table.entries === 0 ? 0 : STREAM_HOLD_BACK);
        if (safe <= base) {
          held = buffer.slice(base);
          return '';
        }
        const { out, at } = applySpans(buffer, this.#marked(this.inspect(buffer)), names, base + covered, safe);
        context = buffer.slice(Math.max(0, safe - STREAM_HOLD_BACK), safe);
        held = buffer.slice(safe);
        covered = at - safe;
        return out;
      },
      end: () => {
        const buffer = context + held;
        const { out } = applySpans(buffer, this.#marked(this.inspect(buffer)), names, context.length + covered, buffer.length);
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
}
