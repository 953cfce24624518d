/**
 * Short texts the wall found clean, remembered so the same text is not decoded again (issue 21, B2).
 * An answer's header names and most of its header values (`content-type`, `transfer-encoding`,
 * `application/json; charset=utf-8`) are the same on every call, and decoding a short text through
 * every view costs tens of microseconds: about as much as a 1 KiB body, per answer.
 *
 * Sound because a scan is a function of the text and of what the redactor knows: only a complete
 * scan with no hit is remembered, and the memo is emptied whenever the redactor learns a value.
 * The texts themselves are not kept (scanned text may hold what no view decodes): only a SHA-256
 * of a random per-process key and the text, so a memo entry stands for one text and nothing else.
 */
import { createHash, hash, randomBytes } from 'node:crypto';

/** Longest text remembered: header-sized; bodies differ from call to call. */
export const MEMO_MAX_CHARS = 512;
const MEMO_ENTRIES = 4096;

export class CleanMemo {
  readonly #key = randomBytes(32).toString('hex');
  /** Insertion order is the eviction order (oldest first). */
  readonly #seen = new Set<string>();

  /** @param minChars shorter texts are not worth a digest (a scan of them is already cheap). */
  constructor(readonly minChars: number) {}

  /** The memo's key for `text`, or undefined when it is not a length the memo keeps. */
  keyOf(text: string): string | undefined {
    if (text.length < this.minChars || text.length > MEMO_MAX_CHARS) return undefined;
    // crypto.hash (one call, no Hash object) is Node >= 20.12; the same digest on older Node.
    return typeof hash === 'function' ? hash('sha256', this.#key + text, 'base64') : createHash('sha256').update(this.#key + text).digest('base64');
  }

  has(key: string): boolean {
    return this.#seen.has(key);
  }

  /** Remembers the text of `key` as clean (the caller scanned it whole and found nothing). */
  add(key: string): void {
    if (this.#seen.size >= MEMO_ENTRIES) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(key);
  }

  /** Forgets everything: the redactor learned a value, so a text clean before may not be now. */
  clear(): void {
    this.#seen.clear();
  }
}
