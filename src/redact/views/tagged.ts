/**
 * A value written one character per call in code: SQL Server `CHAR(115)+CHAR(107)`, Oracle and
 * PostgreSQL `CHR(115)||CHR(107)`, VBA `Chr(115) & Chr(107)`, PowerShell `[char]115+[char]107`,
 * Python `chr(115)+chr(107)`, PHP `chr(115).chr(107)`, MySQL `CHAR(0x73)`, and PHP `var_dump`'s
 * `int(115)` after each `[1]=>`. The same word before each number: read as a byte list whose items
 * carry a word; the word and the operators between the items are separators, like the commas of a
 * list (./bytelist).
 *
 * Found from the `(` or `]` after a word (two indexOf cursors), so text without them costs nothing;
 * a chain goes on while the next item, after at most MAX_GAP operator characters (an index in
 * brackets among them), has the same word.
 */
import { Stretch } from './list-readings.js';
import { Builder, type View, type ViewOptions } from './view.js';

const MAX_WORD = 24;
const MAX_GAP = 16;
const isWordChar = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
/** Operators and blanks between two items: `+`, `||`, `&`, `.`, `,`, `;`, `=>`, blanks. */
const isGap = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 43 || c === 124 || c === 38 || c === 46 || c === 44 || c === 59 || c === 61 || c === 62;

interface Item {
  /** The item's word, e.g. `CHAR` (with a PowerShell cast's `[` before it, that is outside [start, end)). */
  word: string;
  start: number;
  end: number;
  byte: number;
}

/** The item whose word ends at `p` (the `(` of `CHAR(`, or the `]` of `[char]`) and starts at `w` (found when not given), or null. */
function itemAt(t: string, p: number, w = p): Item | null {
  if (w === p) while (w > 0 && p - w < MAX_WORD && isWordChar(t.charCodeAt(w - 1))) w--;
  if (w === p || !((t.charCodeAt(w) | 0x20) >= 97 && (t.charCodeAt(w) | 0x20) <= 122)) return null;
  const cast = t.charCodeAt(p) === 93;
  if (cast && t.charCodeAt(w - 1) !== 91) return null;
  let i = p + 1;
  if (cast && t.charCodeAt(i) === 40) i++;
  while (t.charCodeAt(i) === 32) i++;
  let byte = 0;
  const from = i;
  if (t.charCodeAt(i) === 48 && (t.charCodeAt(i + 1) | 0x20) === 120) {
    for (i += 2; i < from + 4 && isHex(t.charCodeAt(i)); i++) byte = byte * 16 + parseInt(t[i]!, 16);
    if (i === from + 2) return null;
  } else {
    for (; i < from + 3 && isDigit(t.charCodeAt(i)); i++) byte = byte * 10 + t.charCodeAt(i) - 48;
    if (i === from || byte > 255) return null;
  }
  if (isWordChar(t.charCodeAt(i)) || isDigit(t.charCodeAt(i))) return null;
  while (t.charCodeAt(i) === 32) i++;
  if (t.charCodeAt(i) === 41) i++;
  return { word: t.slice(w, p), start: cast ? w - 1 : w, end: i, byte };
}

/** The next item of a chain after `end`: past a gap of operators and an index (`[2]=>`), with the same word. */
function nextItem(t: string, end: number, word: string): Item | null {
  let i = end;
  while (i < t.length && i - end < MAX_GAP) {
    if (isGap(t.charCodeAt(i))) i++;
    else if (t.charCodeAt(i) === 91 && isDigit(t.charCodeAt(i + 1))) {
      let k = i + 1;
      while (k - i < 8 && isDigit(t.charCodeAt(k))) k++;
      if (t.charCodeAt(k) !== 93) break;
      i = k + 1;
    } else break;
  }
  const w = t.charCodeAt(i) === 91 ? i + 1 : i;
  if (!t.startsWith(word, w)) return null;
  return itemAt(t, w + word.length, w);
}

export function taggedView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  let b: Builder | null = null;
  const st = new Stretch();
  let open = t.indexOf('(');
  let close = t.indexOf(']');
  while (open >= 0 || close >= 0) {
    const p = close < 0 || (open >= 0 && open < close) ? open : close;
    let item = itemAt(t, p);
    let end = p + 1;
    if (item) {
      const word = item.word;
      let count = 0;
      for (; item; item = nextItem(t, item.end, word), count++) {
        st.push(item.byte, item.start, item.end);
        end = item.end;
      }
      if (count >= 3) st.flush((b ??= new Builder(v)), o.minWindow);
      else st.n = 0;
    }
    if (open >= 0 && open < end) open = t.indexOf('(', end);
    if (close >= 0 && close < end) close = t.indexOf(']', end);
  }
  return b ? b.build('tagged') : null;
}
