/**
 * A value streamed a few characters per event (an LLM's server-sent `data: {…"content":"sk_l"…}`
 * deltas, NDJSON lines, a log line per chunk): consecutive lines of one shape (the same text once
 * their JSON strings are emptied and their numbers zeroed), and a string of that shape that varies
 * from line to line, read joined: what lies between one line's string and the next line's is taken
 * out. Blank lines between events are part of that gap.
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

/** Lines of one shape needed before their strings are joined. */
const MIN_LINES = 3;
const MAX_LINE = 4096;
const STRING = /"((?:[^"\\\n]|\\.){0,256})"/g;

interface Line {
  text: string;
  shape: string;
  /** [start, end) of each string's contents, relative to the line's start `base`. */
  strings: Array<[number, number]>;
  base: number;
}

export function streamView(v: View, o: ViewOptions): View | null {
  const t = v.text;
  if (t.indexOf('\n') < 0 || t.indexOf('"') < 0) return null;
  const tokens: Array<[number, number, Piece]> = [];
  let run: Line[] = [];
  let last: Line | undefined;
  // Whether every line of the run so far is the same text (then no string of it varies).
  let same = true;
  const close = () => {
    if (run.length >= MIN_LINES && !same) joinVarying(t, run, tokens);
    run = [];
    same = true;
  };
  for (let a = 0; a < t.length; ) {
    let b = t.indexOf('\n', a);
    if (b < 0) b = t.length;
    if (b > a && b - a <= MAX_LINE) {
      const text = t.slice(a, b);
      // A line like the one before (a body of repeated records) has its shape already.
      const line: Line = last?.text === text ? { ...last, base: a } : shapeOf(text, a);
      last = line;
      if (line.strings.length === 0 || (run.length > 0 && run[0]!.shape !== line.shape)) close();
      if (line.strings.length > 0) {
        if (run.length > 0 && line.text !== run[0]!.text) same = false;
        run.push(line);
      }
    } else if (b - a > MAX_LINE) close();
    a = b + 1;
  }
  close();
  if (tokens.length === 0) return null;
  tokens.sort((x, y) => x[0] - y[0]);
  return regionsView(v, tokens, Math.min(o.context, 2 * o.minWindow), 'stream');
}

function shapeOf(text: string, base: number): Line {
  const strings: Array<[number, number]> = [];
  STRING.lastIndex = 0;
  for (let m = STRING.exec(text); m; m = STRING.exec(text)) strings.push([m.index + 1, m.index + m[0].length - 1]);
  return { text, shape: strings.length > 0 ? text.replace(STRING, '""').replace(/\d+/g, '0') : '', strings, base };
}

/** For each string position that varies across the run, the gaps between consecutive lines' strings, as removals. */
function joinVarying(t: string, run: Line[], out: Array<[number, number, Piece]>): void {
  const count = run[0]!.strings.length;
  const at = (l: Line, k: number, side: 0 | 1) => l.base + l.strings[k]![side];
  for (let k = 0; k < count; k++) {
    const first = t.slice(at(run[0]!, k, 0), at(run[0]!, k, 1));
    if (run.every((l) => t.slice(at(l, k, 0), at(l, k, 1)) === first)) continue;
    for (let i = 0; i + 1 < run.length; i++) {
      const end = at(run[i]!, k, 1);
      const start = at(run[i + 1]!, k, 0);
      if (start > end) out.push([end, start, '']);
    }
    // One varying string per run: the gaps of several would overlap.
    return;
  }
}
