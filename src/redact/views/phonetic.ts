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
/** A word (`x-ray` with its dash), and what may stand between two words of a chain. */
const WORD = /[A-Za-z]+(?:-[Rr][Aa][Yy])?/g;
const BETWEEN = /^[\s,;.|/()-]{1,4}$/;

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
    if (words >= min) tokens.push(...chain);
    chain = [];
    words = 0;
  };
  WORD.lastIndex = 0;
  for (let m = WORD.exec(t); m && !(first && tokens.length > 0); m = WORD.exec(t)) {
    const ch = m[0].length <= 10 ? SPELLED.get(m[0].toLowerCase()) : undefined;
    if (ch === undefined) {
      close();
      continue;
    }
    if (chain.length > 0 && !BETWEEN.test(t.slice(lastEnd, m.index))) close();
    // The gap before a word of the chain is taken out, the word becomes its character.
    if (chain.length > 0) chain.push([lastEnd, m.index, '']);
    chain.push([m.index, m.index + m[0].length, ch]);
    words++;
    lastEnd = m.index + m[0].length;
  }
  close();
  return tokens;
}
