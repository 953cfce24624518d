/** Finding the escapes a textual view decodes (./text, ./quoted-printable), before it builds the view (./view). */
import type { Piece } from './view.js';

/**
 * Tokens of `re` (sticky) starting at an occurrence of one of `triggers`: the text between
 * triggers is skipped with indexOf, so a view of plain text costs next to nothing.
 */
export function tokensOf(text: string, triggers: string, re: RegExp, decode: (m: RegExpExecArray) => Piece | null): Array<[number, number, Piece]> {
  const out: Array<[number, number, Piece]> = [];
  const next = Array.from(triggers, (c) => text.indexOf(c));
  let pos = 0;
  for (;;) {
    let at = -1;
    for (let k = 0; k < next.length; k++) {
      if (next[k]! >= 0 && next[k]! < pos) next[k] = text.indexOf(triggers[k]!, pos);
      if (next[k]! >= 0 && (at < 0 || next[k]! < at)) at = next[k]!;
    }
    if (at < 0) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0].length === 0) {
      pos = at + 1;
      continue;
    }
    const piece = decode(m);
    if (piece !== null) out.push([at, at + m[0].length, piece]);
    pos = at + m[0].length;
  }
  return out;
}
