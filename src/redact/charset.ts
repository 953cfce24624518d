/**
 * A body's text in the charset it declares (SPEC §1.4 "the declared charset"), and the other
 * readings of the same bytes the wall scans with it (fail closed).
 *
 * - Shown: the text decoded with the charset the answer declares — the Content-Type `charset`
 *   parameter, else (HTML and XML, or no type) a `<meta charset>` / `<?xml encoding?>` in the first
 *   1024 bytes, as a browser reads it; a byte-order mark wins over a declared charset other than
 *   UTF-8. Nothing declared, or UTF-8: UTF-8, as before. A body that is not text in its declared
 *   charset (NOT_TEXT: compressed or binary bytes, which a single-byte charset would carry to the
 *   agent intact, past views that do not decode them, brotli) is shown read as UTF-8, as before.
 * - Scanned too, each mapped back onto the shown text through the bytes (./charset-map): the UTF-8
 *   reading (a wrong declaration: what the bytes say read as UTF-8), every other declared charset,
 *   the byte-order mark's, and ISO-2022-JP when the bytes hold its escapes (7-bit: an agent decodes
 *   it from any shown text). A hit in any reading is redacted or withheld in the shown text.
 * - A declared charset that TextDecoder does not know (UTF-7, UTF-32, EBCDIC, ISO-2022-KR, a made-up
 *   name), or more than MAX_READINGS readings: the body is withheld (a scan limit), never shown as UTF-8.
 */
import { byteMap, type ByteMap } from './charset-map.js';
import type { Redactor, ScanResult } from './redactor.js';
import { screenAsync, type Screened } from './wall.js';

export interface Reading {
  /** The TextDecoder name of the charset. */
  encoding: string;
  text: string;
  map(): ByteMap;
}

/** The body's readings, the shown one first; null when a declared charset cannot be read. */
export interface BodyText {
  shown: Reading;
  others: Reading[];
}

/** Distinct charsets read at most (each is a whole scan): more, and the body is withheld. */
const MAX_READINGS = 4;
/** Bytes searched for a `<meta charset>` or an XML declaration (the HTML prescan's 1024). */
const PRESCAN = 1024;

const MARKUP_TYPE = /^\s*(text\/html|application\/xhtml\+xml|text\/xml|application\/xml|[^;\s]*\+xml)\s*(;|$)/i;
const CHARSET_PARAM = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/gi;
const META_CHARSET = /<meta\s[^>]*?charset\s*=\s*["']?\s*([^"'\s;>/]+)/gi;
const XML_ENCODING = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/i;
/** What no text holds: U+FFFD (bytes the charset does not read), C0 controls but blanks and ESC, DEL, C1 controls. */
const NOT_TEXT = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]/;
/** ESC $: where ISO-2022-JP switches to its double-byte set (full-width letters and digits). */
const ISO2022_DOUBLE = Buffer.from([0x1b, 0x24]);

/** The body's readings, or null when it declares a charset that cannot be decoded (withheld). */
export function readBody(bytes: Buffer, contentType: string): BodyText | null {
  const header = [...contentType.matchAll(CHARSET_PARAM)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter((l) => l !== '');
  const headerNames = header.map(encodingName);
  if (headerNames.some((n) => n === null)) return null;
  const markup = contentType.trim() === '' || MARKUP_TYPE.test(contentType);
  const doc = markup ? documentLabels(bytes) : [];
  // A document's own declaration governs only when the header declares none; then it must be read.
  const docNames = doc.map(metaName);
  if (header.length === 0 && docNames.some((n) => n === null)) return null;
  const declared = [...headerNames, ...docNames].filter((n): n is string => n !== null);
  const bom = bomEncoding(bytes);
  const governing = headerNames[0] ?? docNames[0] ?? 'utf-8';
  const shownName = governing !== 'utf-8' && bom !== null ? bom : governing;
  const names = new Set([shownName, 'utf-8', ...declared]);
  if (bom !== null) names.add(bom);
  if (bytes.includes(ISO2022_DOUBLE)) names.add('iso-2022-jp');
  if (names.size > MAX_READINGS) return null;
  let readings: Reading[];
  try {
    readings = [...names].map((name) => reading(name, bytes));
  } catch {
    return null;
  }
  // Not text in its charset (compressed or binary bytes, which a single-byte charset would carry
  // to the agent intact): shown read as UTF-8, as before, which does not carry the bytes it cannot read.
  const shown = NOT_TEXT.test(readings[0]!.text) ? readings.find((r) => r.encoding === 'utf-8')! : readings[0]!;
  return { shown, others: readings.filter((r) => r !== shown && r.text !== shown.text) };
}

/**
 * Screens the shown text with every other reading's hits and unscanned ranges mapped onto it
 * (through the bytes): one decision by the wall over all readings, within one deadline.
 */
export async function screenReadings(redactor: Redactor, body: BodyText, into: Screened, deadlineMs: number, shownEnd: number): Promise<Screened> {
  const { shown, others } = body;
  if (others.length === 0) return screenAsync(redactor, shown.text, into, deadlineMs, shownEnd);
  const until = performance.now() + deadlineMs;
  const left = () => Math.max(0, until - performance.now());
  const merged: ScanResult = await redactor.inspectAsync(shown.text, left());
  for (const r of others) {
    const found = await redactor.inspectAsync(r.text, left());
    if (found.hits.length === 0 && found.unscanned.length === 0) continue;
    const from = r.map();
    const onto = shown.map();
    const move = (s: number, e: number): [number, number] => {
      const [b0, b1] = from.bytesOf(s, e);
      const [c0, c1] = onto.charsOf(b0, b1);
      // Never an empty cover for a non-empty range.
      return [c0, Math.max(c1, Math.min(c0 + 1, shown.text.length))];
    };
    for (const h of found.hits) {
      const [start, end] = move(h.start, h.end);
      merged.hits.push({ ...h, start, end });
    }
    for (const [a, b] of found.unscanned) merged.unscanned.push(move(a, b));
  }
  // The wall decides over the merged result (whole values withhold their unit, pieces are reported).
  const all = { inspectAsync: () => Promise.resolve(merged), isPublic: (name: string) => redactor.isPublic(name) };
  return screenAsync(all as unknown as Redactor, shown.text, into, 0, shownEnd);
}

/**
 * Node's windows-1252 (and so latin1, iso-8859-1, ascii) decoder reads 0x80–0x9F as the C1 controls
 * (ISO-8859-1), not as WHATWG's windows-1252 (€, curly quotes, dashes): one character for one each way.
 */
const W1252 = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Throws (caught by readBody: the body withheld) if the decoder does. */
function reading(encoding: string, bytes: Buffer): Reading {
  let text = new TextDecoder(encoding).decode(bytes);
  if (encoding === 'windows-1252') text = text.replace(/[\x80-\x9f]/g, (c) => W1252[c.charCodeAt(0) - 0x80]!);
  let map: ByteMap | undefined;
  return { encoding, text, map: () => (map ??= byteMap(encoding, bytes, text)) };
}

/** TextDecoder's name for a label (WHATWG Encoding), or null when it does not decode it. */
export function encodingName(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** What a document's declaration means (HTML: UTF-16 there is UTF-8, x-user-defined is windows-1252). */
function metaName(label: string): string | null {
  if (label.toLowerCase() === 'x-user-defined') return 'windows-1252';
  const name = encodingName(label);
  return name === 'utf-16le' || name === 'utf-16be' ? 'utf-8' : name;
}

/** Charset labels a document declares in its first bytes: an XML declaration, `<meta>` elements. */
function documentLabels(bytes: Buffer): string[] {
  const head = bytes.toString('latin1', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, Math.min(bytes.length, PRESCAN));
  const labels: string[] = [];
  const xml = XML_ENCODING.exec(head);
  if (xml && xml[1]!.trim() !== '') labels.push(xml[1]!.trim());
  for (const m of head.matchAll(META_CHARSET)) labels.push(m[1]!);
  return labels;
}

function bomEncoding(bytes: Buffer): string | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return null;
}
