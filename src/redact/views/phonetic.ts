/**
 * A value spelled out a word per character, as password managers' read-aloud views and support
 * scripts print it: the NATO alphabet (`quebec zulu SEVEN`), digits as words (`seven`, `niner`) and
 * a few symbols by name (`dash`, `underscore`), read back as the characters they spell. Case is
 * not kept (the scan folds it anyway). Only a chain of at least `minWindow` such words, each
 * separated by blanks or punctuation alone, is read: prose that happens to use `echo` or `golf`
 * spells nothing.
 */
import { regionsView, type Piece, type View, type ViewOptions } from './view.js';

const NATO = ['alfa', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu'];
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const SPELLED = new Map<string, string>([
  ...NATO.map((w, i): [string, string] => [w, String.fromCharCode(97 + i)]),
  ['alpha', 'a'],
  ['juliet', 'j'],
  ['whisky', 'w'],
  ['x-ray', 'x'],
  ...DIGITS.map((w, i): [string, string] => [w, String(i)]),
  ['niner', '9'],
  ['dash', '-'],
  ['hyphen', '-'],
  ['minus', '-'],
  ['underscore', '_'],
  ['dot', '.'],
  ['period', '.'],
  ['slash', '/'],
  ['plus', '+'],
  ['equals', '='],
]);
/** What may stand between two words of a chain. */
const BETWEEN = /^[\s,;.|/()-]{1,4}$/;
/** The spelled words by first letter and length: most words of text are turned down on that alone (an array read, not a hash). */
const BY_SHAPE: Array<string[] | undefined> = new Array(128 << 4).fill(undefined);
for (const w of SPELLED.keys()) {
  const shape = (w.charCodeAt(0) << 4) + w.length;
  BY_SHAPE[shape] = [...(BY_SHAPE[shape] ?? []), w];
}
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Where the word starting at `a` ends: its letters, and `-ray` after them (`x-ray` is one word). */
function wordEnd(t: string, a: number): number {
  let e = a + 1;
  while (e < t.length && isLetter(t.charCodeAt(e))) e++;
  if (e + 4 <= t.length && t.charCodeAt(e) === 45 && (t.charCodeAt(e + 1) | 0x20) === 114 && (t.charCodeAt(e + 2) | 0x20) === 97 && (t.charCodeAt(e + 3) | 0x20) === 121) e += 4;
  return e;
}

/** The character the word t[a, e) spells, in any case, or undefined (compared in place: no string per word of text). */
function spelledBy(t: string, a: number, e: number): string | undefined {
  const len = e - a;
  const bucket = len <= 10 ? BY_SHAPE[((t.charCodeAt(a) | 0x20) << 4) + len] : undefined;
  if (!bucket) return undefined;
  for (const w of bucket) {
    let k = 1;
    while (k < len && (t.charCodeAt(a + k) | 0x20) === w.charCodeAt(k)) k++;
    if (k === len) return SPELLED.get(w);
  }
  return undefined;
}

/** Whether `t` holds a chain of `min` spelled words (what mayDecode asks: such text may hold no other trigger). */
export function maySpell(t: string, min: number): boolean {
  // `min` words of three letters or more, a separator between each: a header or a short field is too short to hold them.
  return t.length >= 4 * min - 1 && chains(t, min, true).length > 0;
}

export function phoneticView(v: View, o: ViewOptions): View | null {
  const tokens = chains(v.text, o.minWindow, false);
  return tokens.length > 0 ? regionsView(v, tokens, o.context, 'phonetic') : null;
}

/** Each chain of at least `min` spelled words, as tokens (gaps taken out, words made characters); `first`: stop at the first. */
function chains(t: string, min: number, first: boolean): Array<[number, number, Piece]> {
  const tokens: Array<[number, number, Piece]> = [];
  let chain: Array<[number, number, Piece]> = [];
  let words = 0;
  let lastEnd = -1;
  const close = () => {
    // Most words of text spell nothing: an empty chain is left as it is (a new array per word was garbage).
    if (chain.length === 0) return;
    if (words >= min) tokens.push(...chain);
    chain = [];
    words = 0;
  };
  for (let a = 0; a < t.length && !(first && tokens.length > 0); ) {
    if (!isLetter(t.charCodeAt(a))) {
      a++;
      continue;
    }
    const e = wordEnd(t, a);
    const ch = spelledBy(t, a, e);
    if (ch === undefined) {
      close();
      a = e;
      continue;
    }
    if (chain.length > 0 && !BETWEEN.test(t.slice(lastEnd, a))) close();
    // The gap before a word of the chain is taken out, the word becomes its character.
    if (chain.length > 0) chain.push([lastEnd, a, '']);
    chain.push([a, e, ch]);
    words++;
    lastEnd = e;
    a = e;
  }
  close();
  return tokens;
}
