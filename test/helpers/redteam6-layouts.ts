// Sixth red team of issue 18: writers and readers of the layouts real stacks print bytes and text in.
// Each layout is `write` (what a careless upstream answers, given the key it received) and `read`
// (the reader the stack implies: applied to what the agent is shown, it gives the key back).
import { brotliCompressSync, brotliDecompressSync, deflateSync, gzipSync, gunzipSync, inflateSync } from 'node:zlib';

export interface Layout {
  write: (v: string) => string | Buffer;
  read: (shown: string) => string;
  type?: string;
}

const bytesOf = (v: string) => [...Buffer.from(v)];
const hex2 = (b: number) => b.toString(16).padStart(2, '0');
export const parts = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const rows = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const numbers = (t: string, re = /\d+/g) => (t.match(re) ?? []).map(Number);
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** A made-up IPv4+TCP header (40 bytes) and an HTTP request carrying the key: what tcpdump prints. */
function packet(v: string): Buffer {
  const head = Buffer.from('4500012c1c4640004006b1e6ac100a63ac100a0cd3180050a6eb8f2b00000000a002721044f40000', 'hex');
  return Buffer.concat([head, Buffer.from(`GET /v1/me HTTP/1.1\r\nHost: api.example.com\r\nX-Api-Key: ${v}\r\n\r\n`)]);
}

/** tcpdump -X: "\t0x0000:  4500 012c …  E..,…", 16 bytes a row in 2-byte groups, ASCII column. */
function tcpdumpX(b: Buffer): string {
  return rows([...b], 16)
    .map((r, i) => {
      const groups = rows(r, 2).map((g) => g.map(hex2).join('')).join(' ');
      return `\t0x${(i * 16).toString(16).padStart(4, '0')}:  ${groups.padEnd(39)}  ${r.map(printable).join('')}`;
    })
    .join('\n');
}
/** Wireshark "Copy … as Hex Dump": "0000   47 45 54 20 …   GET …". */
function wiresharkHex(b: Buffer): string {
  return rows([...b], 16)
    .map((r, i) => `${(i * 16).toString(16).padStart(4, '0')}   ${r.map(hex2).join(' ').padEnd(47)}   ${r.map(printable).join('')}`)
    .join('\n');
}
/** xxd -b: six bytes a row in binary, then the ASCII column. */
function xxdBits(b: Buffer): string {
  return rows([...b], 6)
    .map((r, i) => `${(i * 6).toString(16).padStart(8, '0')}: ${r.map((x) => x.toString(2).padStart(8, '0')).join(' ').padEnd(53)}  ${r.map(printable).join('')}`)
    .join('\n');
}
/** xxd -e: little-endian 4-byte words, then the ASCII column. */
function xxdE(b: Buffer): string {
  return rows([...b], 16)
    .map((r, i) => {
      const words = rows(r, 4).map((w) => [...w].reverse().map(hex2).join('').padStart(8, ' ')).join(' ');
      return `${(i * 16).toString(16).padStart(8, '0')}: ${words.padEnd(35)}   ${r.map(printable).join('')}`;
    })
    .join('\n');
}
const fromXxdE = (t: string) =>
  Buffer.from(
    t
      .split('\n')
      .flatMap((l) => l.slice(10, 45).trim().split(/\s+/))
      .flatMap((w) => (w.match(/../g) ?? []).reverse().map((p) => parseInt(p, 16))),
  ).toString('latin1');

/** `od -An -tu1`: unsigned decimal bytes, 16 a row, right-aligned in 4 columns. */
const odU1 = (b: Buffer) => rows([...b], 16).map((r) => r.map((x) => String(x).padStart(4)).join('')).join('\n');

/** numpy: repr(np.frombuffer(key, dtype=np.uint8)) — aligned, wrapped at 75 columns. */
function numpyRepr(b: Buffer): string {
  const cells = [...b].map((x) => String(x).padStart(3));
  const lines: string[] = [];
  let line = 'array([';
  cells.forEach((c, i) => {
    const item = `${c}${i < cells.length - 1 ? ',' : ''}`;
    if (line.length + item.length + 1 > 75) {
      lines.push(line.trimEnd());
      line = '       ';
    }
    line += (line.endsWith('[') || line.trim() === '' ? '' : ' ') + item;
  });
  lines.push(`${line}], dtype=uint8)`);
  return lines.join('\n');
}

/** PHP var_dump(unpack('C*', $key)): an index line, then the byte on the next line. */
const varDump = (b: Buffer) => `array(${b.length}) {\n${[...b].map((x, i) => `  [${i + 1}]=>\n  int(${x})\n`).join('')}}\n`;
/** Perl Data::Dumper of [unpack 'C*', $key]: one byte a line, indented by ten. */
const dataDumper = (b: Buffer) => `$VAR1 = [\n${[...b].map((x) => `          ${x}`).join(',\n')}\n        ];\n`;
/** Rust `{:#?}` of a Vec<u8>: one byte a line, trailing commas. */
const rustPretty = (b: Buffer) => `[\n${[...b].map((x) => `    ${x},`).join('\n')}\n]`;

/** OpenAI chat completion with logprobs: each token an object, with its text and its bytes. */
function logprobs(v: string): string {
  const tokens = parts(v, 3);
  return JSON.stringify({
    id: 'chatcmpl-rt6',
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Here is the header you sent me: (see logprobs)' },
        logprobs: { content: tokens.map((t, i) => ({ token: t, logprob: -0.01 * (i + 1), bytes: bytesOf(t), top_logprobs: [] })) },
        finish_reason: 'stop',
      },
    ],
  });
}
const fromLogprobs = (t: string) =>
  (JSON.parse(t) as { choices: Array<{ logprobs: { content: Array<{ token: string }> } }> }).choices[0]!.logprobs.content.map((c) => c.token).join('');

/** CSS generated content: `content: "\73 \6b …"` (hex escapes ended by a blank, as CSS minifiers/icon fonts write). */
const cssEscapes = (v: string) => `.key::after { content: "${[...v].map((c) => `\\${c.charCodeAt(0).toString(16)} `).join('')}"; }`;
const fromCss = (t: string) => t.replace(/\\([0-9a-f]{1,6}) ?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)));

/** A map from ASCII letters/digits to other code points (compatibility and look-alike forms). */
function mapChars(v: string, f: (c: string) => string | undefined): string {
  return [...v].map((c) => f(c) ?? c).join('');
}
const lower = (c: string) => (/[a-z]/.test(c) ? c.charCodeAt(0) - 97 : -1);
const upper = (c: string) => (/[A-Z]/.test(c) ? c.charCodeAt(0) - 65 : -1);
const digit = (c: string) => (/[0-9]/.test(c) ? c.charCodeAt(0) - 48 : -1);

const circled = (c: string) =>
  lower(c) >= 0 ? String.fromCodePoint(0x24d0 + lower(c)) : upper(c) >= 0 ? String.fromCodePoint(0x24b6 + upper(c)) : digit(c) === 0 ? '\u24ea' : digit(c) > 0 ? String.fromCodePoint(0x2460 + digit(c) - 1) : undefined;
const parenthesized = (c: string) => (lower(c) >= 0 ? String.fromCodePoint(0x249c + lower(c)) : upper(c) >= 0 ? String.fromCodePoint(0x249c + upper(c)) : digit(c) > 0 ? String.fromCodePoint(0x2474 + digit(c) - 1) : undefined);
/** Small capitals (no compatibility decomposition): ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ. */
const SMALL_CAPS = 'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ';
const smallCaps = (c: string) => (lower(c) >= 0 ? [...SMALL_CAPS][lower(c)] : upper(c) >= 0 ? [...SMALL_CAPS][upper(c)] : undefined);
/** Negative squared capitals 🅰… (no decomposition; "emoji letters"). */
const negSquared = (c: string) => (lower(c) >= 0 ? String.fromCodePoint(0x1f170 + lower(c)) : upper(c) >= 0 ? String.fromCodePoint(0x1f170 + upper(c)) : undefined);
/** Regional indicator symbols (flag letters; Slack/Discord "big letters"). */
const regional = (c: string) => (lower(c) >= 0 ? String.fromCodePoint(0x1f1e6 + lower(c)) : upper(c) >= 0 ? String.fromCodePoint(0x1f1e6 + upper(c)) : undefined);
/** Squared capitals 🄰… (NFKC → A). */
const squared = (c: string) => (lower(c) >= 0 ? String.fromCodePoint(0x1f130 + lower(c)) : upper(c) >= 0 ? String.fromCodePoint(0x1f130 + upper(c)) : undefined);
/** Superscript (modifier) letters and digits; q has none before Unicode 14 and stays. */
const SUPER = 'ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖqʳˢᵗᵘᵛʷˣʸᶻ';
const SUPER_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (c: string) => (lower(c) >= 0 ? [...SUPER][lower(c)] : upper(c) >= 0 ? [...SUPER][upper(c)] : digit(c) >= 0 ? [...SUPER_DIGITS][digit(c)] : undefined);
/** Cherokee letters drawn like Latin capitals. */
const CHEROKEE: Record<string, string> = { A: 'Ꭺ', B: 'Ᏼ', C: 'Ꮯ', D: 'Ꭰ', E: 'Ꭼ', G: 'Ꮐ', H: 'Ꮋ', J: 'Ꭻ', K: 'Ꮶ', L: 'Ꮮ', M: 'Ꮇ', P: 'Ꮲ', R: 'Ꭱ', S: 'Ꮪ', T: 'Ꭲ', V: 'Ꮩ', W: 'Ꮃ', Z: 'Ꮓ' };
/** Armenian letters drawn like Latin small letters. */
const ARMENIAN: Record<string, string> = { h: 'հ', n: 'ո', o: 'օ', u: 'ս', q: 'զ', g: 'ց', d: 'ժ' };

const FOLD_BACK = (table: Record<string, string>) => {
  const back = new Map(Object.entries(table).map(([k, v]) => [v, k]));
  return (t: string) => [...t].map((c) => back.get(c) ?? c).join('');
};
/** Reader of a layout built with mapChars: maps each code point back. */
const unmap = (f: (c: string) => string | undefined) => {
  const back = new Map<string, string>();
  for (let i = 32; i < 127; i++) {
    const c = String.fromCharCode(i);
    const m = f(c);
    if (m !== undefined && !back.has(m)) back.set(m, c);
  }
  return (t: string) => {
    let out = t;
    for (const [m, c] of [...back].sort((a, b) => b[0].length - a[0].length)) out = out.split(m).join(c);
    return out;
  };
};

const between = (v: string, sep: string, n = 1) => parts(v, n).join(sep);
const drop = (re: RegExp) => (t: string) => t.replace(re, '');

/** NATO phonetic spelling, as password "read-aloud" views print it. */
const NATO = ['alfa', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu'];
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const phonetic = (v: string) =>
  [...v].map((c) => (lower(c) >= 0 ? NATO[lower(c)] : upper(c) >= 0 ? NATO[upper(c)]!.toUpperCase() : digit(c) >= 0 ? DIGITS[digit(c)] : c === '-' ? 'dash' : c === '_' ? 'underscore' : c)).join(' ');
const fromPhonetic = (t: string) =>
  t
    .split(' ')
    .map((w) => (w === 'dash' ? '-' : w === 'underscore' ? '_' : NATO.includes(w) ? w[0] : NATO.includes(w.toLowerCase()) ? w[0]!.toUpperCase() : DIGITS.includes(w) ? String(DIGITS.indexOf(w)) : w))
    .join('');

export const LAYOUTS: Record<string, Layout> = {
  // ---- hex dumps and byte lists (family 4, "hex dumps", "byte lists") ----
  'tcpdump -X of the request packet (2-byte hex groups, ASCII column)': {
    write: (v) => tcpdumpX(packet(v)),
    read: (t) => Buffer.from(t.split('\n').map((l) => l.slice(10, 49).replace(/ /g, '')).join(''), 'hex').toString('latin1'),
  },
  'Wireshark "Copy as Hex Dump" of the packet': {
    write: (v) => wiresharkHex(packet(v)),
    read: (t) => Buffer.from(t.split('\n').map((l) => l.slice(7, 54).replace(/ /g, '')).join(''), 'hex').toString('latin1'),
  },
  'xxd -b (binary, six bytes a row, ASCII column)': {
    write: (v) => xxdBits(Buffer.from(`X-Api-Key: ${v}\n`)),
    read: (t) => Buffer.from(t.split('\n').flatMap((l) => l.slice(10, 63).trim().split(/\s+/).map((b) => parseInt(b, 2)))).toString('latin1'),
  },
  'xxd -e (little-endian 4-byte words)': {
    write: (v) => xxdE(Buffer.from(`X-Api-Key: ${v}\n`)),
    read: fromXxdE,
  },
  'od -An -tu1 (unsigned decimal columns)': {
    write: (v) => odU1(Buffer.from(`key=${v}\n`)),
    read: (t) => Buffer.from(numbers(t)).toString('latin1'),
  },
  "hexdump -e '\"%08_ax  \" 16/1 \"%02X\" \"\\n\"' (offset, then uppercase hex, no blanks)": {
    write: (v) => rows(bytesOf(`key=${v}\n`), 16).map((r, i) => `${(i * 16).toString(16).padStart(8, '0')}  ${r.map((x) => hex2(x).toUpperCase()).join('')}`).join('\n'),
    read: (t) => Buffer.from(t.split('\n').map((l) => l.slice(10)).join(''), 'hex').toString('latin1'),
  },
  "Python bytes.hex(' ', 4) (groups of 8 hex digits)": {
    write: (v) => `digest: ${Buffer.from(v).toString('hex').match(/.{1,8}/g)!.join(' ')}`,
    read: (t) => Buffer.from(t.slice(8).replace(/ /g, ''), 'hex').toString(),
  },
  "Python bytes.hex(':')": {
    write: (v) => Buffer.from(v).toString('hex').match(/../g)!.join(':'),
    read: (t) => Buffer.from(t.replace(/:/g, ''), 'hex').toString(),
  },
  'Go fmt %v of a []byte ([115 107 …], blanks)': {
    write: (v) => `request header bytes: [${bytesOf(v).join(' ')}]`,
    read: (t) => Buffer.from(numbers(t)).toString(),
  },
  'Go fmt %#v of a []byte ([]byte{0x73, 0x6b, …})': {
    write: (v) => `[]byte{${bytesOf(v).map((b) => `0x${hex2(b)}`).join(', ')}}`,
    read: (t) => Buffer.from((t.match(/0x[0-9a-f]{2}/g) ?? []).map((h) => parseInt(h, 16))).toString(),
  },
  "Go fmt '% X'": {
    write: (v) => `key: ${bytesOf(v).map((b) => hex2(b).toUpperCase()).join(' ')}`,
    read: (t) => Buffer.from(t.slice(5).replace(/ /g, ''), 'hex').toString(),
  },
  'Rust {:02x?} of a Vec<u8> ([73, 6b, …] without 0x)': {
    write: (v) => `bytes = [${bytesOf(v).map(hex2).join(', ')}]`,
    read: (t) => Buffer.from(t.slice(t.indexOf('[') + 1, t.indexOf(']')).split(', ').map((h) => parseInt(h, 16))).toString(),
  },
  'Rust {:#?} of a Vec<u8> (one byte a line)': {
    write: (v) => rustPretty(Buffer.from(v)),
    read: (t) => Buffer.from(numbers(t)).toString(),
  },
  'Erlang / Elixir binary (<<115,107,…>>)': {
    write: (v) => `{badarg, <<${bytesOf(v).join(',')}>>}`,
    read: (t) => Buffer.from(numbers(t.slice(t.indexOf('<<')))).toString(),
  },
  "PostgreSQL bytea hex output (\\x736b…)": {
    write: (v) => ` api_key \n----------\n \\x${Buffer.from(v).toString('hex')}\n(1 row)\n`,
    read: (t) => Buffer.from(t.split('\\x')[1]!.split('\n')[0]!, 'hex').toString(),
  },
  "SQL hex literal (X'736B…') in a dumped INSERT": {
    write: (v) => `INSERT INTO creds VALUES (1, X'${Buffer.from(v).toString('hex').toUpperCase()}');`,
    read: (t) => Buffer.from(t.split("X'")[1]!.split("'")[0]!, 'hex').toString(),
  },
  'SQL Server varbinary of an nvarchar (UTF-16LE hex, 0x7300…)': {
    write: (v) => `api_key_bin\n-----------\n0x${Buffer.from(v, 'utf16le').toString('hex').toUpperCase()}\n`,
    read: (t) => Buffer.from(t.split('0x')[1]!.split('\n')[0]!, 'hex').toString('utf16le'),
  },
  'numpy repr of a uint8 array (aligned, wrapped at 75 columns)': {
    write: (v) => numpyRepr(Buffer.from(v)),
    read: (t) => Buffer.from(numbers(t.replace('uint8', ''))).toString(),
  },
  'PHP var_dump(unpack("C*", $key))': {
    write: (v) => varDump(Buffer.from(v)),
    read: (t) => Buffer.from([...t.matchAll(/int\((\d+)\)/g)].map((m) => Number(m[1]))).toString(),
  },
  'Perl Data::Dumper of [unpack "C*", $key]': {
    write: (v) => dataDumper(Buffer.from(v)),
    read: (t) => Buffer.from(numbers(t.replace('$VAR1', ''))).toString(),
  },
  'PowerShell -EncodedCommand (base64 of UTF-16LE)': {
    write: (v) => `powershell.exe -NoProfile -EncodedCommand ${Buffer.from(`$env:API_KEY='${v}'; Invoke-Job`, 'utf16le').toString('base64')}`,
    read: (t) => Buffer.from(t.split(' ').pop()!, 'base64').toString('utf16le'),
  },
  'CSS hex escapes ended by a blank (content: "\\73 \\6b …")': { write: cssEscapes, read: fromCss },
  'OpenAI logprobs (a token of 3 characters per object, with its bytes)': { write: logprobs, read: fromLogprobs, type: 'application/json' },

  // ---- compatibility and look-alike forms (family 4, "compatibility forms") ----
  'circled letters and digits (ⓠⓩ⑦…)': { write: (v) => `Your key: ${mapChars(v, circled)}`, read: unmap(circled) },
  'parenthesized letters (⒬⒵⑺…: NFKC gives "(q)")': { write: (v) => `Your key: ${mapChars(v, parenthesized)}`, read: unmap(parenthesized) },
  'small capitals (ǫᴢ…: no decomposition)': { write: (v) => `Your key: ${mapChars(v, smallCaps)}`, read: unmap(smallCaps) },
  'squared capitals (🄰…)': { write: (v) => `Your key: ${mapChars(v, squared)}`, read: unmap(squared) },
  'negative squared capitals (🅰…: no decomposition)': { write: (v) => `Your key: ${mapChars(v, negSquared)}`, read: unmap(negSquared) },
  'regional indicator letters (🇶🇿…)': { write: (v) => `Your key: ${mapChars(v, (c) => (regional(c) ? `${regional(c)}\u200c` : undefined))}`, read: (t) => unmap(regional)(t.replace(/\u200c/g, '')) },
  'Cherokee capitals drawn like Latin ones': { write: (v) => `Your key: ${mapChars(v, (c) => CHEROKEE[c])}`, read: FOLD_BACK(CHEROKEE) },
  'Armenian small letters drawn like Latin ones': { write: (v) => `Your key: ${mapChars(v, (c) => ARMENIAN[c])}`, read: FOLD_BACK(ARMENIAN) },
  'superscript letters and digits (ʳᵗ⁶…, NFKC gives the letters)': { write: (v) => `Your key: ${mapChars(v, superscript)}`, read: unmap(superscript) },

  // ---- invisible and format characters between letters ----
  'soft hyphen (U+00AD, &shy; from a hyphenator) every 3 characters': { write: (v) => `<p>${between(v, '\u00ad', 3)}</p>`, read: drop(/\u00ad/g) },
  '&shy; entities every 3 characters': { write: (v) => `<p>${between(v, '&shy;', 3)}</p>`, read: drop(/&shy;/g) },
  'word joiner (U+2060) between characters': { write: (v) => between(v, '\u2060'), read: drop(/\u2060/g) },
  'BOM / ZWNBSP (U+FEFF) between characters': { write: (v) => between(v, '\ufeff'), read: drop(/\ufeff/g) },
  'Mongolian vowel separator (U+180E) between characters': { write: (v) => between(v, '\u180e'), read: drop(/\u180e/g) },
  'variation selector 16 (U+FE0F) after each character': { write: (v) => [...v].map((c) => `${c}\ufe0f`).join(''), read: drop(/\ufe0f/g) },
  'variation selector 17 (U+E0100) after each character': { write: (v) => [...v].map((c) => `${c}\u{e0100}`).join(''), read: drop(/\u{e0100}/gu) },
  'combining grapheme joiner (U+034F) between characters': { write: (v) => between(v, '\u034f'), read: drop(/\u034f/g) },
  'Hangul filler (U+3164, a letter that shows as nothing) between characters': { write: (v) => between(v, '\u3164'), read: drop(/\u3164/g) },
  'braille blank (U+2800) between characters': { write: (v) => between(v, '\u2800'), read: drop(/\u2800/g) },
  'invisible times / separator (U+2062, U+2063) between characters': { write: (v) => between(v, '\u2062'), read: drop(/\u2062/g) },
  'interlinear annotation anchors (U+FFF9…U+FFFB) around pieces': { write: (v) => parts(v, 4).map((p) => `\ufff9${p}\ufffa\ufffb`).join(''), read: drop(/[\ufff9-\ufffb]/g) },

  // ---- grouped text with other separators ----
  'groups of 4 split by a middle dot (·)': { write: (v) => between(v, '\u00b7', 4), read: drop(/\u00b7/g) },
  'groups of 4 split by a bullet (•)': { write: (v) => between(v, ' \u2022 ', 4), read: drop(/ \u2022 /g) },
  'groups of 4 split by colons': { write: (v) => between(v, ':', 4), read: drop(/:/g) },
  'groups of 4 split by commas': { write: (v) => between(v, ',', 4), read: drop(/,/g) },
  'groups of 4 split by slashes': { write: (v) => between(v, '/', 4), read: drop(/\//g) },
  'groups of 4 split by no-break spaces (U+00A0)': { write: (v) => between(v, '\u00a0', 4), read: drop(/\u00a0/g) },
  'groups of 4 split by narrow no-break spaces (U+202F, Intl number grouping)': { write: (v) => between(v, '\u202f', 4), read: drop(/\u202f/g) },
  'groups of 4 split by thin spaces (U+2009)': { write: (v) => between(v, '\u2009', 4), read: drop(/\u2009/g) },
  'groups of 4 split by ideographic spaces (U+3000)': { write: (v) => between(v, '\u3000', 4), read: drop(/\u3000/g) },
  'groups of 4 split by tabs': { write: (v) => between(v, '\t', 4), read: drop(/\t/g) },
  'groups of 5 split by en dashes (–)': { write: (v) => between(v, '\u2013', 5), read: drop(/\u2013/g) },
  'CSV row, a cell of 6 characters each': { write: (v) => `part1,part2,part3,part4,part5\n${between(v, ',', 6)}\n`, read: (t) => t.split('\n')[1]!.replace(/,/g, '') },
  'NATO phonetic spelling (password read-aloud view)': { write: phonetic, read: fromPhonetic },

  // ---- compressed layers ----
  'zlib in hex (a bytea of a compressed column)': {
    write: (v) => `\\x${deflateSync(Buffer.from(JSON.stringify({ api_key: v }))).toString('hex')}`,
    read: (t) => inflateSync(Buffer.from(t.slice(2), 'hex')).toString(),
  },
  'zlib in plain hex (no \\x before it)': {
    write: (v) => `blob: ${deflateSync(Buffer.from(JSON.stringify({ api_key: v }))).toString('hex')}`,
    read: (t) => inflateSync(Buffer.from(t.slice(6), 'hex')).toString(),
  },
  "zlib in a SQL hex literal (X'789C…')": {
    write: (v) => `INSERT INTO blobs VALUES (X'${deflateSync(Buffer.from(JSON.stringify({ api_key: v }))).toString('hex').toUpperCase()}');`,
    read: (t) => inflateSync(Buffer.from(t.split("X'")[1]!.split("'")[0]!, 'hex')).toString(),
  },
  'gzip in unpadded base64url': {
    write: (v) => `blob=${gzipSync(Buffer.from(`api_key=${v}`)).toString('base64url')}`,
    read: (t) => gunzipSync(Buffer.from(t.slice(5), 'base64url')).toString(),
  },
  'brotli in base64 (a cache entry)': {
    write: (v) => JSON.stringify({ entry: brotliCompressSync(Buffer.from(JSON.stringify({ api_key: v, user: 42 }))).toString('base64') }),
    read: (t) => brotliDecompressSync(Buffer.from((JSON.parse(t) as { entry: string }).entry, 'base64')).toString(),
  },
  'brotli bytes as a latin1 body (a proxy that dropped Content-Encoding: br)': {
    write: (v) => brotliCompressSync(Buffer.from(`<html><body>key: ${v}</body></html>`)),
    read: (t) => brotliDecompressSync(Buffer.from(t, 'latin1')).toString(),
    type: 'text/html; charset=iso-8859-1',
  },
  'gzip bytes as a latin1 body (a proxy that dropped Content-Encoding: gzip)': {
    write: (v) => gzipSync(Buffer.from(`<html><body>key: ${v}</body></html>`)),
    read: (t) => gunzipSync(Buffer.from(t, 'latin1')).toString(),
    type: 'text/html; charset=iso-8859-1',
  },
  'base64url JSON inside base64 inside JSON (a nested state token)': {
    write: (v) => JSON.stringify({ state: Buffer.from(JSON.stringify({ inner: Buffer.from(JSON.stringify({ k: v })).toString('base64url') })).toString('base64') }),
    read: (t) => (JSON.parse(Buffer.from((JSON.parse(Buffer.from((JSON.parse(t) as { state: string }).state, 'base64').toString()) as { inner: string }).inner, 'base64url').toString()) as { k: string }).k,
    type: 'application/json',
  },
};
