/**
 * The response wall's decisions (SPEC §1.4, §1.4a): what of a text an agent may see, given the
 * redactor's hit runs and the ranges it could not scan.
 *
 * - A whole value (any value: an honest API returns stored values whole) withholds its containing
 *   unit — the JSON string it sits in, else its line — shown as `[REDACTED:NAME]`: a marker at the
 *   value's own place would show how the agent's text around it lined up with it.
 * - A piece of a value (a window run that is not the whole value) is what a guess looks like: it is
 *   reported, never shown, and the caller withholds the whole answer (or trips the wire when the
 *   value was not placed in the exchange). Values marked public are only redacted.
 * - A range the scan could not finish is replaced by the one notice (fail closed).
 */
import type { Redactor, ScanResult } from './redactor.js';
import { replacementFor, type Span, WITHHELD, WITHHELD_NOTICE } from './spans.js';

export { WITHHELD_NOTICE } from './spans.js';

export interface Screened {
  /** What may be shown of the text (meaningful only when `pieces` is empty). */
  text: string;
  /** Names whose whole values were withheld with their unit. */
  names: Set<string>;
  /** Names of which a piece (not the whole value, not public) was found: a guess-shaped hit. */
  pieces: Set<string>;
  /** Whether a decoding limit made the wall withhold part of the text. */
  limited: boolean;
}

export function emptyScreen(): Screened {
  return { text: '', names: new Set(), pieces: new Set(), limited: false };
}

/** Screens one text. Pieces are collected into `into` when given (one answer, many texts). */
export function screen(redactor: Redactor, text: string, into: Screened = emptyScreen()): Screened {
  return screenFound(redactor, text, redactor.inspect(text), into);
}

/**
 * The same for a large text: the scan yields to the event loop and stops at a deadline (then
 * withheld). Only `text[0, shownEnd)` is shown; the rest was read so that a value crossing that
 * point is seen whole, and a hit starting in it is never shown, so it counts for nothing.
 */
export async function screenAsync(redactor: Redactor, text: string, into: Screened, deadlineMs: number, shownEnd = text.length): Promise<Screened> {
  return screenFound(redactor, text, await redactor.inspectAsync(text, deadlineMs), into, shownEnd);
}

function screenFound(redactor: Redactor, text: string, found: ScanResult, into: Screened, shownEnd = text.length): Screened {
  const hits = found.hits.filter((h) => h.start < shownEnd);
  const unscanned = found.unscanned.filter(([a]) => a < shownEnd);
  const cover: Span[] = [];
  // A piece inside a whole occurrence of the same value is that occurrence seen through another
  // view: an echo, not a guess (an agent cannot hold a whole value). Only of the same value: an
  // inflated or decoded view maps each of its characters to the whole run it came from, so a guess
  // at another value beside a whole one in one compressed blob fell inside it too, and was shown as
  // an echo (an oracle with no tripwire).
  const wholes = hits.filter((h) => h.whole && !h.short);
  const explained = (h: Span) => wholes.some((w) => w.name === h.name && w.start <= h.start && h.end <= w.end);
  for (const h of hits) {
    // A value shorter than a window is guessable whole: a unit withheld around it would tell which
    // of many guesses (one per line) was right, so its hits are pieces (the whole answer withheld,
    // or the wire tripped), unless it sits inside a longer whole value.
    const guessShaped = h.short === true && !wholes.some((w) => !w.short && w.start <= h.start && h.end <= w.end);
    if (redactor.isPublic(h.name) || (!guessShaped && (h.whole || explained(h)))) {
      into.names.add(h.name);
      const [start, end] = h.whole ? unitAround(text, h.start, h.end) : [h.start, h.end];
      cover.push({ start, end, name: h.name });
    } else {
      into.pieces.add(h.name);
      cover.push({ start: h.start, end: h.end, name: WITHHELD });
    }
  }
  for (const [start, end] of unscanned) {
    into.limited = true;
    cover.push({ start, end, name: WITHHELD });
  }
  const shown = shownEnd < text.length ? text.slice(0, shownEnd) : text;
  into.text = cover.length === 0 ? shown : replaceAll(shown, cover.map((c) => ({ ...c, end: Math.min(c.end, shownEnd) })));
  return into;
}

/** `text` with each merged range replaced by its markers (every name merged into it, once each). */
function replaceAll(text: string, spans: Span[]): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length; ) {
    const start = spans[i]!.start;
    let end = spans[i]!.end;
    const names: string[] = [];
    for (; i < spans.length && spans[i]!.start <= end; i++) {
      end = Math.max(end, spans[i]!.end);
      if (!names.includes(spans[i]!.name)) names.push(spans[i]!.name);
    }
    if (end <= at) continue;
    // The notice covers everything when any part of the range was withheld.
    // Deduplicated: two unnamed markers side by side would count the secrets the reader may not know of.
    const marker = names.includes(WITHHELD) ? WITHHELD_NOTICE : [...new Set(names.map(replacementFor))].join('');
    out += text.slice(at, Math.max(at, start)) + marker;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * The unit around [start, end): the contents of the JSON string literal holding it (found
 * lexically on its line: a JSON string never spans lines), else the whole line(s).
 */
export function unitAround(text: string, start: number, end: number): [number, number] {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', Math.max(start, end - 1));
  if (lineEnd < 0) lineEnd = text.length;
  for (let i = lineStart; i < lineEnd; i++) {
    if (text.charCodeAt(i) !== 0x22) continue;
    let j = i + 1;
    while (j < lineEnd && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
    if (j >= lineEnd) break;
    if (i < start && end <= j) return [i + 1, j];
    if (i >= end) break;
    i = j;
  }
  return [lineStart, lineEnd];
}
