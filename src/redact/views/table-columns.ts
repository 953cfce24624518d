/**
 * A table read down its columns: a CLI table squeezed to a narrow terminal (rich, tabulate's
 * `maxcolwidths`, cli-table3 `wordWrap`, a markdown table) wraps a long cell over several lines
 * beside the other columns, so in reading order the pieces of a value are interleaved with the
 * neighbouring cells, and no join of separators (./join) puts them side by side again. This view
 * puts each column's cells one after another, top to bottom, trimmed.
 *
 * A table is a run of lines that each hold the same number of borders (`|`, `│`, `┃`, `║`, `¦`),
 * at least two cells each; rule lines without a letter or digit (`+----+`, `|---|`, `├──┼──┤`)
 * may sit between rows. Text without a border costs a few indexOf calls, and a table costs one
 * walk over its lines: the view is at most as long as the table.
 */
import { Builder, type View, type ViewOptions } from './view.js';

const BORDERS = ['|', '\u2502', '\u2503', '\u2551', '\u00a6'];
const isBorder = (c: number): boolean => c === 124 || c === 0x2502 || c === 0x2503 || c === 0x2551 || c === 0xa6;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 0xa0 || c === 13;
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);

/** One row of a table: the [start, end) of each cell, trimmed (end ≤ start: an empty cell). */
type Row = number[];

export function tableColumnsView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  if (!BORDERS.some((c) => t.includes(c))) return null;
  let b: Builder | null = null;
  let block: Row[] = [];
  const flush = () => {
    if (block.length >= 2 && block[0]!.length >= 4) b = emitColumns(b ?? new Builder(v), block, o.minWindow);
    block = [];
  };
  for (let line = 0; line < t.length; ) {
    let eol = t.indexOf('\n', line);
    if (eol < 0) eol = t.length;
    const row = cellsOf(t, line, eol);
    if (row === 'rule') {
      // A rule between rows keeps the table going.
    } else if (row === null || (block.length > 0 && row.length !== block[0]!.length)) {
      flush();
      if (row !== null) block.push(row);
    } else block.push(row);
    line = eol + 1;
  }
  flush();
  return b ? (b as Builder).build('table-columns') : null;
}

/** The cells of line [from, to): null when it has fewer than two cells, 'rule' when it is a rule line. */
function cellsOf(t: string, from: number, to: number): Row | 'rule' | null {
  const borders: number[] = [];
  let letters = false;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (isBorder(c)) borders.push(i);
    else if (!letters && isAlnum(c)) letters = true;
  }
  if (!letters) return borders.length > 0 || hasRule(t, from, to) ? 'rule' : null;
  if (borders.length === 0) return null;
  // The text before the first border and after the last is a cell too (a table without outer borders).
  const edges = [from - 1, ...borders, to];
  const row: Row = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    let a = edges[k]! + 1;
    let e = edges[k + 1]!;
    while (a < e && isBlank(t.charCodeAt(a))) a++;
    while (e > a && isBlank(t.charCodeAt(e - 1))) e--;
    row.push(a, e);
  }
  return row;
}

/** Whether a line without letters or digits is a rule (`+---+`, `===`, box drawing) rather than empty. */
function hasRule(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c === 45 || c === 43 || c === 61 || (c >= 0x2500 && c <= 0x257f)) return true;
  }
  return false;
}

/**
 * Each column's cells, top to bottom, one after another (the text between two cells taken out, so
 * windows run across it); columns apart. A column whose every cell holds a window already is left
 * out: its cells are scanned where they are.
 */
function emitColumns(b: Builder, rows: Row[], minWindow: number): Builder {
  const width = rows[0]!.length;
  for (let k = 0; k < width; k += 2) {
    if (rows.every((r) => r[k + 1]! - r[k]! >= minWindow)) continue;
    b.brk();
    let last = -1;
    for (const r of rows) {
      const a = r[k]!;
      const e = r[k + 1]!;
      if (e <= a) continue;
      if (last >= 0) b.emit('', last, a);
      b.copy(a, e);
      last = e;
    }
  }
  return b;
}
