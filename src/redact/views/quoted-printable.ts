/**
 * Quoted-printable (RFC 2045, mail bodies) and RFC 2047 encoded words (mail headers; "Q", and "B"
 * so that adjacent words join): `=XX`
 * escapes of bytes read as UTF-8, soft line breaks (`=` at a line end) that MIME puts every 76
 * columns, so a value comes back cut into pieces, and `_` for a space inside an encoded word.
 */
import { tokensOf } from './tokens.js';
import { utf8 } from './utf8.js';
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/**
 * An encoded word (with the folding whitespace before a following one, which RFC 2047 drops), or a
 * run of escapes and soft line breaks (transport padding before the break allowed).
 */
const QP_RE = /=\?[^?\s]{1,40}\?[Qq]\?([^?\s]*)\?=(?:\s+(?==\?))?|=\?[^?\s]{1,40}\?[Bb]\?([A-Za-z0-9+/=]*)\?=(?:\s+(?==\?))?|(?:=[0-9A-Fa-f]{2}|=[ \t]*\r?\n)+/dy;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAlnum = (b: number) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
/**
 * Whether a run of escapes can be quoted-printable rather than a number in a query string or a
 * `key=value` line ("port=8080", "page=30"): encoders never escape a letter or digit, and a lone
 * byte 0x80–0x9F is neither UTF-8 (a continuation byte without its lead) nor latin1 text (a C1
 * control). Anything else is decoded, since a value may hold any character: a false decode
 * ("id=12345" read as the control byte 0x12) costs only view size.
 */
function looksEncoded(escapes: number[], softBreak: boolean): boolean {
  if (softBreak) return true;
  if (escapes.every(isAlnum)) return false;
  return !(escapes.length === 1 && escapes[0]! >= 0x80 && escapes[0]! < 0xa0);
}

/** Bytes of `text[from, to)` (parent-relative), escapes decoded, soft line breaks dropped, `_` a space in a word. */
function decode(text: string, from: number, to: number, word: boolean): Piece | null {
  const bytes: number[] = [];
  const bs: number[] = [];
  const be: number[] = [];
  const escapes: number[] = [];
  let softBreak = false;
  for (let i = from; i < to; ) {
    const c = text.charCodeAt(i);
    if (c === 61 && i + 2 < to && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      const byte = parseInt(text.slice(i + 1, i + 3), 16);
      escapes.push(byte);
      bytes.push(byte);
      bs.push(i);
      be.push(i + 3);
      i += 3;
    } else if (c === 61 && !word) {
      softBreak = true;
      i = text.indexOf('\n', i) + 1; // the regex matched the soft line break whole
    } else {
      bytes.push(word && c === 95 ? 0x20 : c);
      bs.push(i);
      be.push(i + 1);
      i++;
    }
  }
  // An encoded word says what it is.
  return word || looksEncoded(escapes, softBreak) ? utf8(bytes, bs, be) : null;
}

/**
 * A "B" encoded word's bytes, each mapped to the whole word (a base64 character holds bits of two
 * bytes). Decoded here rather than by the base64 view so that a value split over adjacent words,
 * as mail libraries fold a long Subject, comes out joined: the folding between them is dropped.
 */
function decodeBase64Word(text: string, from: number, to: number): Piece | null {
  const bytes = [...Buffer.from(text.slice(from, to), 'base64')];
  if (bytes.length === 0) return null;
  return utf8(bytes, bytes.map(() => from), bytes.map(() => to));
}

export function quotedPrintableView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('=') < 0) return null;
  const tokens = tokensOf(v.text, '=', QP_RE, (m) => {
    const word = m.indices?.[1];
    const bWord = m.indices?.[2];
    if (bWord) return decodeBase64Word(v.text, bWord[0], bWord[1]);
    return word ? decode(v.text, word[0], word[1], true) : decode(v.text, m.index, m.index + m[0].length, false);
  });
  return regionsView(v, tokens, o.context, 'qp');
}
