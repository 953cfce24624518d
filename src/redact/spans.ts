/** Marked spans of a text, and the text with each span replaced by its marker. */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Span {
  start: number;
  end: number;
  name: string;
  /** The whole value (or a whole secret-bearing stretch of it), not a piece: see STRETCH. */
  whole?: boolean;
  /** A hit of a value shorter than a window (allowed only with --allow-short): whole, and still guess-shaped. */
  short?: boolean;
  /** A hit of the value read backwards (BACKWARDS in ./fingerprints): redacted, never the input tripwire. */
  backwards?: boolean;
  /** Scan bookkeeping: the run's head key when it starts where a stretch does, and its last window's key. */
  head?: number;
  tail?: number;
}

/** The name of a span that could not be scanned to completion: shown as WITHHELD_NOTICE. */
export const WITHHELD = '';
/**
 * The one notice for everything withheld because of a guess or a limit (a piece of a value, a scan
 * that could not finish): the same text whatever the cause, which goes to the audit trail only.
 */
export const WITHHELD_NOTICE = '[WITHHELD: not shown to keep a secret safe; the reason is in the admin audit trail]';

/** The marker of a value the reader may not know exists (outside its principal's scope): named by nothing. */
export const UNNAMED_MARKER = '[REDACTED]';

/**
 * Which names the reader of the text being redacted may see (issue 19: a secret outside a
 * principal's scope is as if it did not exist, so no marker names it). One index serves every
 * principal of a process, so the reader is a property of the call, not of the redactor: the broker
 * runs each principal's call inside `withVisibleNames`, and every marker made during it (answers,
 * errors, task outputs, log lines) asks here. Outside any call every name is shown (the admin's
 * own tools, logs).
 */
const visibleNames = new AsyncLocalStorage<(name: string) => boolean>();

export function withVisibleNames<T>(visible: (name: string) => boolean, work: () => T): T {
  return visibleNames.run(visible, work);
}

/** Whether the current reader may see this secret's name (true outside any scoped call). */
export function nameIsVisible(name: string): boolean {
  return visibleNames.getStore()?.(name) ?? true;
}

export function replacementFor(name: string): string {
  if (name === WITHHELD) return WITHHELD_NOTICE;
  return nameIsVisible(name) ? `[REDACTED:${name}]` : UNNAMED_MARKER;
}

/** Overlapping or touching spans merged (the earliest-starting one names the result). */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      if (s.whole) last.whole = true;
    } else out.push({ ...s });
  }
  return out;
}

/** Spans widened so none cuts a surrogate pair in two (a marker never leaves half a character). */
export function wholePairs(text: string, spans: Span[]): Span[] {
  for (const s of spans) {
    if (s.start > 0 && (text.charCodeAt(s.start) & 0xfc00) === 0xdc00 && (text.charCodeAt(s.start - 1) & 0xfc00) === 0xd800) s.start--;
    if (s.end < text.length && (text.charCodeAt(s.end) & 0xfc00) === 0xdc00 && (text.charCodeAt(s.end - 1) & 0xfc00) === 0xd800) s.end++;
  }
  return mergeSpans(spans);
}

/**
 * `text[from, upTo)` with each span that starts there replaced by its marker; a span that started
 * before `from` only moves `at` past its end. Returns the output and where it stopped (past the
 * last span's end when that span crosses `upTo`). Found names are appended to `names` once each.
 */
export function applySpans(text: string, spans: Span[], names: string[], from = 0, upTo = text.length): { out: string; at: number } {
  let out = '';
  let at = from;
  for (const s of spans) {
    if (s.start >= upTo) break;
    if (s.start < at) {
      at = Math.max(at, s.end);
      continue;
    }
    out += text.slice(at, s.start) + replacementFor(s.name);
    at = s.end;
    if (s.name !== WITHHELD && nameIsVisible(s.name) && !names.includes(s.name)) names.push(s.name);
  }
  if (at < upTo) {
    out += text.slice(at, upTo);
    at = upTo;
  }
  return { out, at };
}

/** Spans to replace in a scanned text: its hits merged, and every unscanned range withheld (fail closed). */
export function spansToReplace(hits: readonly Span[], unscanned: ReadonlyArray<readonly [number, number]>): Span[] {
  return mergeSpans([...hits.map((h) => ({ ...h })), ...unscanned.map(([start, end]) => ({ start, end, name: WITHHELD }))]);
}
