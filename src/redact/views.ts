/**
 * Decoded views of a text: the text as a reader would see it once one layer of encoding is undone
 * (HTML/XML character references, JSON and JavaScript backslash escapes, percent-encoding, base64
 * and hex runs, UTF-8 read as latin1, UTF-16 read as UTF-8, line-break spellings). The redactor
 * hashes windows of every view, so it never needs to know how a value was spelled.
 *
 * A view is a string plus, for each of its UTF-16 units, the [start, end) span of the ORIGINAL text
 * it came from, so a hit in any view marks original characters. A decoded view holds only the
 * regions around what was decoded, with `CONTEXT` undecoded characters on each side (so a window
 * half in a decoded run and half in plain text is still whole), regions separated by U+FFFF, which
 * the scanner treats as a break. Views compose (percent-decoded, then JSON-unescaped, ...) up to
 * `MAX_DEPTH` layers, and the total size of all views is capped at a fixed multiple of the input,
 * so the cost stays linear in the input size. Nothing here throws on any input.
 */

/** A character that ends a region: no window spans it. */
export const BREAK = 0xffff;
const BREAK_CHAR = '\uffff';
/** Layers of encoding undone on top of each other (e.g. base64 of percent-encoded JSON is 3). */
export const MAX_DEPTH = 3;
/** All decoded views together hold at most this many units per input character (plus a constant). */
const BUDGET_PER_CHAR = 12;
const BUDGET_CONSTANT = 1 << 16;

export interface View {
  text: string;
  /** Original start of each unit; null for the identity view (unit i is original [i, i+1)). */
  start: Int32Array | null;
  end: Int32Array | null;
  depth: number;
  /** Decoders applied, outermost first (for tests and debugging). */
  kind: string;
}

/** Which decoded views to build, and how much undecoded context to keep around each region. */
export interface ViewOptions {
  /** Undecoded characters kept on each side of a decoded region (window length − 1). */
  context: number;
  /** Shortest base64 run decoded (characters). */
  minBase64: number;
  /** Shortest hex run decoded (characters). */
  minHex: number;
  /** Shortest window indexed: decoded base64/hex stretches shorter than this are dropped. */
  minWindow: number;
  /** Base64-alphabet runs of the input already found by the caller's scan (start, end pairs), or null. */
  rootRuns: number[] | null;
  /** Whether the input has a character that can lead a UTF-8 sequence read as latin1 (U+00C2–U+00F4). */
  rootHigh: boolean;
}

type Piece = string | { text: string; s: number[]; e: number[] };

/** Accumulates a child view in original coordinates. */
class Builder {
  parts: string[] = [];
  s = new Int32Array(256);
  e = new Int32Array(256);
  n = 0;
  constructor(readonly parent: View) {}
  ps(i: number): number {
    return this.parent.start ? this.parent.start[i]! : i;
  }
  pe(i: number): number {
    return this.parent.end ? this.parent.end[i]! : i + 1;
  }
  #room(k: number): void {
    if (this.n + k <= this.s.length) return;
    let size = this.s.length * 2;
    while (size < this.n + k) size *= 2;
    const s = new Int32Array(size);
    const e = new Int32Array(size);
    s.set(this.s.subarray(0, this.n));
    e.set(this.e.subarray(0, this.n));
    this.s = s;
    this.e = e;
  }
  #push(s: number, e: number): void {
    this.s[this.n] = s;
    this.e[this.n++] = e;
  }
  brk(): void {
    this.#room(1);
    this.parts.push(BREAK_CHAR);
    this.#push(-1, -1);
  }
  copy(a: number, b: number): void {
    if (b <= a) return;
    this.#room(b - a);
    this.parts.push(this.parent.text.slice(a, b));
    const { start, end } = this.parent;
    if (start && end) {
      this.s.set(start.subarray(a, b), this.n);
      this.e.set(end.subarray(a, b), this.n);
      this.n += b - a;
    } else for (let i = a; i < b; i++) this.#push(i, i + 1);
  }
  /** Decoded text for parent [a, b): every unit maps to the whole token, or per unit (parent-relative offsets). */
  emit(piece: Piece, a: number, b: number): void {
    if (typeof piece === 'string') {
      if (piece.length === 0) return;
      this.#room(piece.length);
      this.parts.push(piece);
      const s = this.ps(a);
      const e = this.pe(b - 1);
      for (let k = 0; k < piece.length; k++) this.#push(s, e);
      return;
    }
    this.#room(piece.text.length);
    this.parts.push(piece.text);
    for (let k = 0; k < piece.text.length; k++) this.#push(this.ps(piece.s[k]!), this.pe(piece.e[k]! - 1));
  }
  get empty(): boolean {
    return this.n === 0;
  }
  build(kind: string): View {
    return {
      text: this.parts.join(''),
      start: this.s.subarray(0, this.n),
      end: this.e.subarray(0, this.n),
      depth: this.parent.depth + 1,
      kind: this.parent.kind ? `${kind}<${this.parent.kind}` : kind,
    };
  }
}

/**
 * Bytes (each with a parent-relative [start, end)) decoded as UTF-8; a byte that does not start a
 * valid sequence becomes the latin1 character of the same number, so nothing is dropped.
 */
function utf8(bytes: number[], bs: number[], be: number[], strict = false): { text: string; s: number[]; e: number[] } {
  const out: number[] = [];
  const s: number[] = [];
  const e: number[] = [];
  const n = bytes.length;
  for (let i = 0; i < n; ) {
    const b0 = bytes[i]!;
    let len = 1;
    let cp = b0;
    if (b0 >= 0xc2 && b0 <= 0xf4) {
      const need = b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
      if (i + need <= n) {
        let ok = true;
        let v = b0 & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
        for (let k = 1; k < need; k++) {
          const b = bytes[i + k]!;
          if ((b & 0xc0) !== 0x80) {
            ok = false;
            break;
          }
          v = (v << 6) | (b & 0x3f);
        }
        if (ok && (need !== 3 || v >= 0x800) && (need !== 4 || (v >= 0x10000 && v <= 0x10ffff))) {
          len = need;
          cp = v;
        }
      }
    }
    const st = bs[i]!;
    const en = be[i + len - 1]!;
    if (strict && len === 1 && b0 >= 0x80) {
      // Not text: random bytes (a wrong alignment, a binary blob) end the stretch here.
      out.push(BREAK);
      s.push(-1);
      e.push(-1);
      i += 1;
      continue;
    }
    if (cp > 0xffff) {
      const c = cp - 0x10000;
      out.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
      s.push(st, st);
      e.push(en, en);
    } else {
      out.push(cp);
      s.push(st);
      e.push(en);
    }
    i += len;
  }
  let text = '';
  for (let k = 0; k < out.length; k += 4096) text += String.fromCharCode(...out.slice(k, k + 4096));
  return { text, s, e };
}

/**
 * A view made of `tokens` (parent-relative [a, b) with their decoded piece), each region padded
 * with `context` undecoded characters; tokens closer than 2 × context share a region.
 */
function regionsView(parent: View, tokens: Array<[number, number, Piece]>, context: number, kind: string): View | null {
  if (tokens.length === 0) return null;
  const b = new Builder(parent);
  const n = parent.text.length;
  let regionEnd = -1; // parent index where the current region's trailing context ends
  let at = 0; // next parent index to copy
  for (const [s, e, piece] of tokens) {
    if (s < at) continue; // overlapping token (cannot happen with the regexes used; defensive)
    if (regionEnd < 0 || s - context > regionEnd) {
      if (regionEnd >= 0) b.copy(at, regionEnd);
      b.brk();
      at = Math.max(0, s - context);
    }
    b.copy(at, s);
    b.emit(piece, s, e);
    at = e;
    regionEnd = Math.min(n, e + context);
  }
  b.copy(at, regionEnd);
  // A region cut at a U+FFFF already in the parent is fine: the scanner breaks there too.
  return b.build(kind);
}

/**
 * Tokens of `re` (sticky) starting at an occurrence of one of `triggers`: the text between
 * triggers is skipped with indexOf, so a view of plain text costs next to nothing.
 */
function tokensOf(text: string, triggers: string, re: RegExp, decode: (m: RegExpExecArray) => Piece | null): Array<[number, number, Piece]> {
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

const fromCodePoint = (cp: number): string | null => (cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null);

/** Named references real encoders emit (HTML5 names for ASCII punctuation, and the classic ones). */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', plus: '+', equals: '=',
  colon: ':', semi: ';', comma: ',', period: '.', excl: '!', quest: '?', num: '#', dollar: '$',
  percnt: '%', lpar: '(', rpar: ')', ast: '*', midast: '*', lowbar: '_', hyphen: '-', dash: '-',
  lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', lbrace: '{', rbrace: '}',
  bsol: '\\', verbar: '|', vert: '|', grave: '`', tilde: '~', commat: '@', Hat: '^', Tab: '\t',
  NewLine: '\n', copy: '\u00a9', reg: '\u00ae', shy: '\u00ad', iexcl: '\u00a1', euro: '\u20ac',
};

const HTML_RE = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8}));?|&([A-Za-z][A-Za-z0-9]{1,9});?/y;
function htmlView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('&') < 0) return null;
  const tokens = tokensOf(v.text, '&', HTML_RE, (m) => {
    if (m[1] !== undefined) return fromCodePoint(parseInt(m[1], 10));
    if (m[2] !== undefined) return fromCodePoint(parseInt(m[2], 16));
    const name = m[3]!;
    const ch = NAMED[name] ?? NAMED[name.toLowerCase()];
    // A named reference without ";" is read only for the few legacy names browsers accept so.
    if (ch === undefined || (!m[0].endsWith(';') && !/^(amp|lt|gt|quot|nbsp|copy|reg)$/i.test(name))) return null;
    return ch;
  });
  return regionsView(v, tokens, o.context, 'html');
}

const JSON_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
// `\U0041` and `\X41` too: a reflection may have changed case after escaping.
const JSON_RE = /\\(?:[uU]([0-9a-fA-F]{4})|[uU]\{([0-9a-fA-F]{1,6})\}|[xX]([0-9a-fA-F]{2})|([^uUxX]))/y;
function jsonView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('\\') < 0) return null;
  const tokens = tokensOf(v.text, '\\', JSON_RE, (m) => {
    if (m[1] !== undefined) return String.fromCharCode(parseInt(m[1], 16));
    if (m[2] !== undefined) return fromCodePoint(parseInt(m[2], 16));
    if (m[3] !== undefined) return String.fromCharCode(parseInt(m[3], 16));
    const c = m[4]!;
    return JSON_ESCAPES[c] ?? c;
  });
  return regionsView(v, tokens, o.context, 'json');
}

const PERCENT_RE = /(?:%[0-9a-fA-F]{2})+/y;
const PERCENT_PLUS_RE = /(?:%[0-9a-fA-F]{2}|\+)+/y;
function percentView(v: View, o: ViewOptions, plus: boolean): View | null {
  if (v.text.indexOf(plus ? '+' : '%') < 0) return null;
  const tokens = tokensOf(v.text, plus ? '%+' : '%', plus ? PERCENT_PLUS_RE : PERCENT_RE, (m) => {
    const run = m[0];
    const bytes: number[] = [];
    const bs: number[] = [];
    const be: number[] = [];
    for (let i = 0; i < run.length; ) {
      if (run[i] === '+') {
        bytes.push(0x20);
        bs.push(m.index + i);
        be.push(m.index + i + 1);
        i++;
      } else {
        bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
        bs.push(m.index + i);
        be.push(m.index + i + 3);
        i += 3;
      }
    }
    return utf8(bytes, bs, be);
  });
  return regionsView(v, tokens, o.context, plus ? 'form' : 'percent');
}

/** UTF-8 bytes that were read as latin1 (mojibake: "Ã©" for "é") read again as UTF-8. */
const LATIN1_RE = /[\u00c2-\u00f4][\u0080-\u00bf]{1,3}/y;
const LATIN1_LEADS = Array.from({ length: 0xf4 - 0xc2 + 1 }, (_, k) => String.fromCharCode(0xc2 + k)).join('');
function latin1View(v: View, o: ViewOptions): View | null {
  if (v.depth === 0 ? !o.rootHigh : !/[\u00c2-\u00f4]/.test(v.text)) return null;
  const tokens = tokensOf(v.text, LATIN1_LEADS, LATIN1_RE, (m) => {
    const bytes: number[] = [];
    const bs: number[] = [];
    const be: number[] = [];
    for (let i = 0; i < m[0].length; i++) {
      bytes.push(m[0].charCodeAt(i));
      bs.push(m.index + i);
      be.push(m.index + i + 1);
    }
    const d = utf8(bytes, bs, be);
    return d.text.length < m[0].length ? d : null;
  });
  return regionsView(v, tokens, o.context, 'latin1');
}

/** UTF-16 text read as UTF-8 or latin1 leaves a NUL beside every ASCII character: drop the NULs. */
const NUL_RE = /\u0000+/y;
function nulView(v: View, o: ViewOptions): View | null {
  if (v.text.indexOf('\u0000') < 0) return null;
  return regionsView(v, tokensOf(v.text, '\u0000', NUL_RE, () => ''), o.context, 'nul');
}

/** Line breaks however spelled become "\n" (values are indexed with "\n" line breaks). */
const BREAK_RE = /\r\n?|<br\s*\/?>/iy;
function lineView(v: View, o: ViewOptions): View | null {
  return regionsView(v, tokensOf(v.text, '\r<', BREAK_RE, () => '\n'), o.context, 'lines');
}

const B64 = new Int8Array(128).fill(-1);
const HEX = new Int8Array(128).fill(-1);
{
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[std.charCodeAt(i)] = i;
  B64['-'.charCodeAt(0)] = 62;
  B64['_'.charCodeAt(0)] = 63;
  const hex = '0123456789abcdef';
  for (let i = 0; i < 16; i++) {
    HEX[hex.charCodeAt(i)] = i;
    HEX[hex.toUpperCase().charCodeAt(i)] = i;
  }
}

/** Whitespace a base64 run may continue across: a line break, with a little indentation. */
function lineGap(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < 2 && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text[j] === '\r') j++;
  if (text[j] !== '\n') return 0;
  j++;
  const k = j;
  while (j < text.length && j - k < 4 && (text[j] === ' ' || text[j] === '\t')) j++;
  return j - i;
}

/**
 * Runs of characters of `table` at least `min` long, as lists of the parent indexes of their
 * characters; a base64 run continues across line breaks (MIME wraps at 76, PEM at 64).
 */
function runsOf(text: string, table: Int8Array, min: number, acrossLines: boolean, ranges: number[] | null = null): number[][] {
  const runs: number[][] = [];
  const n = text.length;
  let i = 0;
  let r = 0;
  let limit = ranges ? 0 : n;
  for (;;) {
    if (i >= limit) {
      if (!ranges || r >= ranges.length) break;
      i = Math.max(i, ranges[r]!);
      limit = ranges[r + 1]!;
      r += 2;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c >= 128 || table[c]! < 0) {
      i++;
      continue;
    }
    const idx: number[] = [];
    for (;;) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || table[d]! < 0) break;
        idx.push(i);
        i++;
      }
      if (!acrossLines || i >= n) break;
      const gap = lineGap(text, i);
      if (gap === 0) break;
      const next = text.charCodeAt(i + gap);
      if (!(next < 128 && table[next]! >= 0)) break;
      i += gap;
    }
    if (idx.length >= min) runs.push(idx);
  }
  return runs;
}

/** Decoded bytes as UTF-8, keeping only well-formed stretches at least `min` units long. */
function emitText(b: Builder, bytes: number[], bs: number[], be: number[], min: number): void {
  if (bytes.length === 0) return;
  const d = utf8(bytes, bs, be, true);
  let from = 0;
  for (let k = 0; k <= d.text.length; k++) {
    if (k < d.text.length && d.s[k] !== -1) continue;
    if (k - from >= min) {
      b.brk();
      b.emit({ text: d.text.slice(from, k), s: d.s.slice(from, k), e: d.e.slice(from, k) }, 0, 0);
    }
    from = k + 1;
  }
}

/**
 * Whether the run, decoded at this alignment, has a well-formed UTF-8 stretch of at least `min`
 * bytes. A stretch decodes to at most as many UTF-16 units as it has bytes, so a run without one
 * cannot give emitText a stretch of `min` units: skipping it loses nothing.
 */
function mayHoldText(t: string, idx: number[], align: number, min: number): boolean {
  let stretch = 0;
  let need = 0;
  let acc = 0;
  let bits = 0;
  for (let g = align; g < idx.length; g++) {
    acc = (acc << 6) | B64[t.charCodeAt(idx[g]!)]!;
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (acc >> bits) & 0xff;
    acc &= (1 << bits) - 1;
    if (need > 0) {
      if ((byte & 0xc0) === 0x80) {
        need--;
        if (++stretch >= min) return true;
        continue;
      }
      // A sequence cut short: this byte starts afresh.
      need = 0;
      stretch = 0;
    }
    if (byte < 0x80) stretch++;
    else if (byte >= 0xc2 && byte <= 0xdf) (need = 1), stretch++;
    else if (byte >= 0xe0 && byte <= 0xef) (need = 2), stretch++;
    else if (byte >= 0xf0 && byte <= 0xf4) (need = 3), stretch++;
    else stretch = 0;
    if (stretch >= min) return true;
  }
  return false;
}

function base64View(v: View, o: ViewOptions): View | null {
  const runs = runsOf(v.text, B64, o.minBase64, true, v.depth === 0 ? o.rootRuns : null);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    // The run may start mid-stream (glued to other text): decode at each of the 4 alignments.
    for (let align = 0; align < 4; align++) {
      // Most runs (binary data, ids, text that only looks like base64) decode to no UTF-8 stretch
      // a window long: find that out on bytes alone before building position maps.
      if (!mayHoldText(v.text, idx, align, o.minWindow)) continue;
      const bytes: number[] = [];
      const bs: number[] = [];
      const be: number[] = [];
      const t = v.text;
      const m = idx.length;
      for (let g = align; g + 1 < m; g += 4) {
        const p0 = idx[g]!;
        const p1 = idx[g + 1]!;
        const v0 = B64[t.charCodeAt(p0)]!;
        const v1 = B64[t.charCodeAt(p1)]!;
        bytes.push(((v0 << 2) | (v1 >> 4)) & 0xff);
        bs.push(p0);
        be.push(p1 + 1);
        if (g + 2 >= m) break;
        const p2 = idx[g + 2]!;
        const v2 = B64[t.charCodeAt(p2)]!;
        bytes.push(((v1 << 4) | (v2 >> 2)) & 0xff);
        bs.push(p1);
        be.push(p2 + 1);
        if (g + 3 >= m) break;
        const p3 = idx[g + 3]!;
        bytes.push(((v2 << 6) | B64[t.charCodeAt(p3)]!) & 0xff);
        bs.push(p2);
        be.push(p3 + 1);
      }
      emitText(b, bytes, bs, be, o.minWindow);
    }
  }
  return b.empty ? null : b.build('base64');
}

/**
 * The caller notes where each base64-alphabet run starts (and where it reached the minimum length);
 * a hex run can start anywhere inside one, so the ranges are taken to the runs' ends.
 */
function wholeRuns(text: string, ranges: number[] | null): number[] | null {
  if (!ranges) return null;
  const out: number[] = [];
  for (let r = 0; r < ranges.length; r += 2) {
    let j = ranges[r + 1]!;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c >= 128 || B64[c]! < 0) break;
      j++;
    }
    out.push(ranges[r]!, j);
  }
  return out;
}

function hexView(v: View, o: ViewOptions): View | null {
  const runs = runsOf(v.text, HEX, o.minHex, false, v.depth === 0 ? wholeRuns(v.text, o.rootRuns) : null);
  if (runs.length === 0) return null;
  const b = new Builder(v);
  for (const idx of runs) {
    for (let align = 0; align < 2; align++) {
      const bytes: number[] = [];
      const bs: number[] = [];
      const be: number[] = [];
      for (let g = align; g + 1 < idx.length; g += 2) {
        bytes.push((HEX[v.text.charCodeAt(idx[g]!)]! << 4) | HEX[v.text.charCodeAt(idx[g + 1]!)]!);
        bs.push(idx[g]!);
        be.push(idx[g + 1]! + 1);
      }
      emitText(b, bytes, bs, be, o.minWindow);
    }
  }
  return b.empty ? null : b.build('hex');
}

const DECODERS: ReadonlyArray<(v: View, o: ViewOptions) => View | null> = [
  htmlView,
  jsonView,
  (v, o) => percentView(v, o, false),
  (v, o) => percentView(v, o, true),
  base64View,
  hexView,
  latin1View,
  nulView,
  lineView,
];

export function identityView(text: string): View {
  return { text, start: null, end: null, depth: 0, kind: '' };
}

/**
 * Every decoded view of `text` (not the identity view itself), breadth first, up to MAX_DEPTH
 * layers and within the size budget. Never throws: a decoder that fails is skipped.
 */
export function decodedViews(text: string, o: ViewOptions): View[] {
  const out: View[] = [];
  let budget = text.length * BUDGET_PER_CHAR + BUDGET_CONSTANT;
  let layer: View[] = [identityView(text)];
  for (let depth = 1; depth <= MAX_DEPTH && layer.length > 0; depth++) {
    const next: View[] = [];
    for (const v of layer) {
      for (const decode of DECODERS) {
        let child: View | null = null;
        try {
          child = decode(v, o);
        } catch {
          child = null;
        }
        if (!child || child.text.length === 0) continue;
        if (child.text.length > budget) return out;
        budget -= child.text.length;
        out.push(child);
        next.push(child);
      }
    }
    layer = next;
  }
  return out;
}
