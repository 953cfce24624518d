/**
 * Whether letters read as words (SPEC §1.4a: "dictionary path words" are public, random letters are
 * not). A character-class test cannot tell `webhooks` from `qzvxkwpmtrbnjhdyfgls`; how likely the
 * letters are as English is what differs. The model: the cost in bits of each letter given the one
 * before it (and of starting and ending a word), letter bigrams of the 7,285 word types seen at
 * least twice in the English documentation of this project's dependencies (camelCase split,
 * add-one smoothing), kept in half bits. Words cost about 3.3-4.3 bits a letter, random letters
 * about 6.5 (rare pairs are dear), so a threshold of 4.5 passes every word type of 12 letters or more
 * of that list and 0.5% of random 12-letter strings (0.02% at 20 letters; those are 56 and 94 bits).
 */

/** Half bits of letter b after letter a, at [a * 27 + b]; index 0 is the word boundary, 1-26 a-z. */
const HALF_BITS =
  'q897889bb9cd99bb8f879bcbgfg8d989dcbh9id7a6jaj685ccehcf679996agf8dk6ef8ei99f8hkibh' +
  '76cac6ci79j89hl5fiac7ajjlel38bba5beh7ggdff9gkbafbghjeh59d86bbdheih9a7fbf669gcfafk' +
  '67a9a67ik5ii9gi7gkadc9khhai3ahef6fb98jhbdaafj8ae9hhlgh65hgh5kii6fgdcc6gg9c9ahhhci' +
  'bac8a9aalihf9947bla87jamemb86gbe6egcbccdeb6bcc4e8dagge49edd4eed6fdbecbcid7cbgeibi' +
  '66geb5fhi5ie7ei7ekgabaeim8k75aec5hii6hhc9f77jfbfaiiidi58h887c5h9gdegb9fkg76ddjldh' +
  'adba9fdbgcgc884a9l6998aaefg76ffe6ieb8ig7ff78h6a8agjiei6ecaeeeeebee8eeceee9e2cbece' +
  '66ebb4edi6icdbc7enb89bdglbl3biaf6fma8kddeg9aih869ifjem57icf5gg95ikcgh8fo78abkfkaj' +
  'b999c9daj9lf795f9l667iijiih76ehf2jff5hjfff9hjhdfdhjhhh66egc6gd86geag87gi88eegegge' +
  '59f8f6ffc7ehfbfd5hfe6ffhacf2adbdaeegajgccab8jf9behdjee66ddd3ddd7cdcbf8ffddcbcfbb9';

/** Bits a letter at most, on average, for letters that read as words. */
const WORD_BITS = 4.5;

function cost(a: number, b: number): number {
  return parseInt(HALF_BITS[a * 27 + b]!, 36) / 2;
}

/**
 * Whether the letters of `text` read as words: its runs of letters (camelCase humps joined, case
 * folded; digits and separators end a word) cost at most WORD_BITS a letter on average. Text with
 * no letters is no word.
 */
export function readsAsWords(text: string): boolean {
  let bits = 0;
  let letters = 0;
  for (const run of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let prev = 0;
    for (const ch of run) {
      const c = ch.charCodeAt(0) - 96;
      bits += cost(prev, c);
      prev = c;
    }
    bits += cost(prev, 0);
    letters += run.length + 1;
  }
  return letters > 0 && bits <= WORD_BITS * letters;
}
