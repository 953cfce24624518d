// The classic spellings of a value (base64 at three alignments, URL/form profiles, JSON, HTML, hex),
// once moved out of src/redact (the redactor decodes instead of listing spellings). Defined in plain
// JavaScript beside the B3 bench, which runs on dist/ without a TypeScript loader; one definition.
import { constants, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export * from '../../tools/bench/encodings.mjs';

// Spellings by kind (issue 18 item 4): byte lists, hex dumps in the layouts real tools print,
// look-alike and invisible characters, compressed payloads, grouped and table-wrapped text.

const bytesOf = (v: string | Uint8Array) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));

/** `[115, 107, …]` (Python, JSON), or Java's `Arrays.toString` of signed bytes (`-61` for 0xc3). */
export function decimalList(v: string | Uint8Array, signed = false, sep = ', '): string {
  return `[${[...bytesOf(v)].map((b) => (signed && b > 127 ? b - 256 : b)).join(sep)}]`;
}

/** A byte list with each byte after its index, as `print_r`, a dict or a Lua table print it: `${open}0${sep}115${next}1…`. */
export function indexedList(v: string | Uint8Array, sep: string, next: string, first = 0, [open, close] = ['', '']): string {
  return [...bytesOf(v)].map((b, i) => `${open}${i + first}${close}${sep}${b}`).join(next);
}

/** Node's `JSON.stringify(buffer)`: `{"type":"Buffer","data":[115,107,…]}`. */
export function bufferJson(v: string | Uint8Array): string {
  return JSON.stringify(bytesOf(v));
}

/** Hex pairs with a prefix and a separator: `0x73, 0x6b`, `73 6b`, `73:6b`, `\x73\x6b`. */
export function hexList(v: string | Uint8Array, prefix = '', sep = ' ', upper = false): string {
  return [...bytesOf(v)].map((b) => prefix + b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()).join(sep);
}

const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** `xxd` (default: 16 bytes a row in 2-byte groups, `offset: `, two spaces, the ASCII column). */
export function xxd(v: string | Uint8Array): string {
  const b = bytesOf(v);
  let out = '';
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    const groups: string[] = [];
    for (let g = 0; g < row.length; g += 2) groups.push(row.subarray(g, g + 2).toString('hex'));
    out += `${o.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${[...row].map(printable).join('')}\n`;
  }
  return out;
}

/** `hexdump -C` (and Go's `hex.Dump`, which has no closing offset line: `final = false`). */
export function hexdumpC(v: string | Uint8Array, final = true): string {
  const b = bytesOf(v);
  let out = '';
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    const hex = row.map((x) => x.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    out += `${o.toString(16).padStart(8, '0')}  ${`${left.padEnd(23)}  ${right}`.padEnd(48)}  |${row.map(printable).join('')}|\n`;
  }
  return final ? `${out}${b.length.toString(16).padStart(8, '0')}\n` : out;
}

/** `od -A x -t x1z` (6-digit offset, single-byte groups, `>ASCII<`, a closing offset line). */
export function odX1z(v: string | Uint8Array): string {
  const b = bytesOf(v);
  let out = '';
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    out += `${o.toString(16).padStart(6, '0')} ${row.map((x) => x.toString(16).padStart(2, '0')).join(' ').padEnd(47)}  >${row.map(printable).join('')}<\n`;
  }
  return `${out}${b.length.toString(16).padStart(6, '0')}\n`;
}

/** Full-width forms of ASCII (U+FF01–FF5E); a space stays a space. */
export function fullWidth(v: string): string {
  return v.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** `invisible` (a zero-width or format character) between every two characters. */
export function interleaved(v: string, invisible = '\u200b'): string {
  return [...v].join(invisible);
}

/** Small capitals (no decomposition) and what they read as. */
const SMALL_CAPITALS = 'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ';
const SMALL_CAPITALS_BACK: Record<string, string> = Object.fromEntries([...SMALL_CAPITALS].map((c, i) => [c, String.fromCharCode(97 + i)]));
/** "Fancy text": letters as small capitals, letters and digits in parentheses, or letters as negative squared symbols. */
export function fancy(v: string, style: 'small capitals' | 'parenthesized' | 'negative squared'): string {
  return [...v]
    .map((c) => {
      const l = /[a-z]/i.test(c) ? c.toLowerCase().charCodeAt(0) - 97 : -1;
      if (style === 'small capitals') return l >= 0 ? [...SMALL_CAPITALS][l]! : c;
      if (style === 'negative squared') return l >= 0 ? String.fromCodePoint(0x1f170 + l) : c;
      return l >= 0 ? String.fromCodePoint(0x249c + l) : /[1-9]/.test(c) ? String.fromCodePoint(0x2474 + Number(c) - 1) : c;
    })
    .join('');
}

const NATO = ['alfa', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu'];
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const SPELLED_BACK: Record<string, string> = { ...Object.fromEntries(NATO.map((w, i) => [w, String.fromCharCode(97 + i)])), ...Object.fromEntries(DIGIT_WORDS.map((w, i) => [w, String(i)])), underscore: '_', dash: '-' };
/** A value spelled a word per character (NATO alphabet, digits as words), as a read-aloud view prints it. */
export function spelled(v: string, sep = ' '): string {
  return [...v]
    .map((c) => (/[a-z]/i.test(c) ? (c === c.toUpperCase() ? NATO[c.toLowerCase().charCodeAt(0) - 97]!.toUpperCase() : NATO[c.charCodeAt(0) - 97]!) : /[0-9]/.test(c) ? DIGIT_WORDS[Number(c)]! : c === '_' ? 'underscore' : c === '-' ? 'dash' : c))
    .join(sep);
}

/** A character per call in code: `CHAR(115)+CHAR(107)`, `[char]115+[char]107`, or PHP var_dump's `[1]=>\n  int(115)`. */
export function perCall(v: string, style: 'CHAR()' | '[char]' | 'var_dump', sep = '+'): string {
  const bytes = [...Buffer.from(v)];
  if (style === 'var_dump') return `array(${bytes.length}) {\n${bytes.map((b, i) => `  [${i + 1}]=>\n  int(${b})\n`).join('')}}`;
  return bytes.map((b) => (style === 'CHAR()' ? `CHAR(${b})` : `[char]${b}`)).join(sep);
}

/** `v` wrapped `width` characters a line, each line after its number (`cat -n`: a tab; `grep -n`: a colon; a listing: ` | `). */
export function numberedLines(v: string, width: number, style: 'cat -n' | 'grep -n' | 'listing'): string {
  return (v.match(new RegExp(`[^]{1,${width}}`, 'g')) ?? [])
    .map((line, i) => (style === 'cat -n' ? `${String(i + 1).padStart(6)}\t${line}` : style === 'grep -n' ? `${i + 1}:${line}` : `${String(i + 1).padStart(3)} | ${line}`))
    .join('\n');
}

/** Unicode tag characters (U+E0020–E007E): ASCII that renders as nothing. */
export function tagCharacters(v: string): string {
  return [...v].map((c) => (c >= ' ' && c <= '~' ? String.fromCodePoint(0xe0000 + c.charCodeAt(0)) : c)).join('');
}

/** Latin letters replaced by the Cyrillic and Greek letters drawn like them. */
export function lookAlikes(v: string): string {
  const map: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', A: 'Α', B: 'В', E: 'Ε', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Χ' };
  return v.replace(/[aeopcxyABEHKMOPTX]/g, (c) => map[c]!);
}

/** A Flask/itsdangerous compressed session cookie holding `payload`: `.` + base64url(zlib(JSON)) + `.timestamp.signature`. */
export function flaskCookie(payload: Record<string, unknown>): string {
  return `.${deflateSync(Buffer.from(JSON.stringify(payload))).toString('base64url')}.ZxYq8w.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}

/** Bytes as a JSON string of Latin-1 characters, every one past ASCII `\\u`-escaped (compressed bytes a JSON encoder wrote as text). */
export function latin1JsonString(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1')).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bytes as Python prints them: `b'…'`, printable ASCII as itself, everything else `\\xNN` (Python's own escapes of `\\` and `'` too). */
export function pythonBytesRepr(bytes: Buffer): string {
  return `b'${[...bytes].map((x) => (x === 92 ? '\\\\' : x === 39 ? "\\'" : x >= 32 && x < 127 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('')}'`;
}

/** gzip of `v`, as base64 (a `data:` URL, a JSON field) or hex. */
export function gzipped(v: string, as: 'base64' | 'hex'): string {
  return gzipSync(Buffer.from(v)).toString(as);
}

/** `v` in groups of `n` characters joined by `sep` (`sk_l ive_ …`, `sk_li-ve_ab-…`). */
export function grouped(v: string, n: number, sep = ' '): string {
  return (v.match(new RegExp(`[\\s\\S]{1,${n}}`, 'g')) ?? []).join(sep);
}

/** `v` wrapped `width` characters a line in the second column of a table (ASCII `|`/`+--+` or box drawing `│`). */
export function tableWrapped(v: string, width: number, style: 'ascii' | 'box' = 'ascii'): string {
  const bar = style === 'box' ? '│' : '|';
  const rule = style === 'box' ? `├${'─'.repeat(7)}┼${'─'.repeat(width + 2)}┤` : `+${'-'.repeat(7)}+${'-'.repeat(width + 2)}+`;
  const lines = grouped(v, width, '\n').split('\n');
  const rows = lines.map((l, i) => `${bar} ${(i === 0 ? 'token' : '').padEnd(5)} ${bar} ${l.padEnd(width)} ${bar}`);
  return [rule, ...rows, rule].join('\n');
}

/**
 * What a reader makes of `text` by kind, decoded independently of src/redact/views (plain regexes):
 * byte lists and dumps read as UTF-8 and latin1, dump ASCII columns joined, the NFKC + look-alike +
 * invisible fold, compressed runs inflated, separators taken out. Each is searched with the window
 * checker of ./windows.ts, so a test fails if any window of a value survives in any of them.
 */
/** Each character wrapped in a tag (`<span>s</span>…`), or a tag every `n` characters (`<wbr>`, `</b><b>`). */
export function tagged(v: string, n = 1, tag = '<span>'): string {
  const close = tag.startsWith('<span') ? '</span>' : '';
  return (v.match(new RegExp(`[^]{1,${n}}`, 'gu')) ?? []).map((c) => (close ? `${tag}${c}${close}` : c)).join(close ? '' : tag);
}

/** The value's UTF-8 bytes as three-digit octal escapes (PostgreSQL bytea escape format, C strings). */
export function octalEscaped(v: string): string {
  return [...Buffer.from(v)].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** Every UTF-16 unit as `%uXXXX` (JavaScript's escape() for characters outside latin1). */
export function percentU(v: string): string {
  return Array.from({ length: v.length }, (_, i) => `%u${v.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase()}`).join('');
}

/** The value as a JSON (or Python, with `'`) list of its pieces of `n` characters. */
export function listOfParts(v: string, n: number, quote = '"', sep = ','): string {
  return `[${(v.match(new RegExp(`[^]{1,${n}}`, 'gu')) ?? []).map((p) => `${quote}${p}${quote}`).join(sep)}]`;
}

/** `od -c` (7-digit octal offset, each byte a character right-aligned in 4 columns), `od -b` (octal bytes). */
export function odChars(v: string | Uint8Array, octal = false): string {
  const b = bytesOf(v);
  let out = '';
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    const cells = row.map((x) => (octal ? ` ${x.toString(8).padStart(3, '0')}` : printable(x).padStart(4)));
    out += `${o.toString(8).padStart(7, '0')}${cells.join('')}\n`;
  }
  return `${out}${b.length.toString(8).padStart(7, '0')}\n`;
}

/** `od -x` / `hexdump` without -C: 2-byte words, little-endian, after a 7-digit offset. */
export function hexWords(v: string | Uint8Array): string {
  const b = bytesOf(v);
  let out = '';
  for (let o = 0; o < b.length; o += 16) {
    const words: string[] = [];
    for (let k = o; k < Math.min(b.length, o + 16); k += 2) words.push(((b[k + 1] ?? 0) << 8 | b[k]!).toString(16).padStart(4, '0'));
    out += `${o.toString(16).padStart(7, '0')} ${words.join(' ')}\n`;
  }
  return out;
}

/** Each byte as eight binary digits, or each character as a `U+` code point, blank-separated. */
export function bitsOf(v: string): string {
  return [...Buffer.from(v)].map((b) => b.toString(2).padStart(8, '0')).join(' ');
}
export function codePoints(v: string): string {
  return [...v].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** The value as an RFC 2231 parameter split into continuations of `n` characters, quoted or (`encoded`) `*N*=` with percent escapes. */
export function rfc2231(v: string, n: number, encoded = false): string {
  const parts = v.match(new RegExp(`[^]{1,${n}}`, 'gu')) ?? [];
  return `attachment; ${parts.map((p, i) => (encoded ? `filename*${i}*=${i === 0 ? "utf-8''" : ''}${encodeURIComponent(p)}` : `filename*${i}="${p}"`)).join(';\r\n ')}`;
}

/** A Subject folded into RFC 2047 "B" encoded words of `n` bytes each, as mail libraries write a long one (pieces may cut a character). */
export function rfc2047Words(v: string, n: number): string {
  const bytes = Buffer.from(`your key ${v}`);
  const words: string[] = [];
  for (let i = 0; i < bytes.length; i += n) words.push(`=?utf-8?B?${bytes.subarray(i, i + n).toString('base64')}?=`);
  return `Subject: ${words.join('\r\n ')}`;
}

/** The value as quoted pieces of `n` characters joined by a concatenation operator (`' || '`, `" + "`, `" "`). */
export function concatenated(v: string, n: number, op: string, quote = '"'): string {
  return (v.match(new RegExp(`[^]{1,${n}}`, 'gu')) ?? []).map((p) => `${quote}${p}${quote}`).join(op);
}

export function kindDecodings(text: string): string[] {
  const out: string[] = [];
  const both = (bytes: number[]) => {
    if (bytes.length === 0) return;
    out.push(Buffer.from(bytes).toString('utf8'), Buffer.from(bytes).toString('latin1'));
  };
  // Decimal lists (signed bytes too).
  for (const m of text.matchAll(/-?\d{1,3}(?:[^0-9A-Za-z]{1,8}-?\d{1,3}){3,}/g)) both(m[0].match(/-?\d+/g)!.map((d) => (Number(d) + 256) % 256));
  // Indexed lists (`0: 115, 1: 107`, `[1] => 115`): every other number of a decimal list, from either end.
  for (const m of text.matchAll(/\d{1,9}(?:[^0-9A-Za-z]{1,8}\d{1,9}){3,}/g)) {
    const nums = m[0].match(/\d+/g)!.map(Number);
    for (const from of [0, 1]) both(nums.filter((_, i) => i % 2 === from).map((d) => d % 256));
  }
  // Hex lists: pairs with optional 0x or \x, any non-alphanumeric separators.
  for (const m of text.matchAll(/(?:(?:0x|\\x)?[0-9a-f]{2}(?![0-9a-z])[^0-9a-z\n]{0,4}){4,}/gi)) both(m[0].replace(/0x|\\x/gi, '').match(/[0-9a-f]{2}/gi)!.map((h) => parseInt(h, 16)));
  // Dumps: per line, offset dropped, data up to the ASCII column; rows joined; the ASCII columns joined.
  const rows = text.split('\n').map((l) => /^\s*[0-9a-f]{4,16}(?::\s*|\s+)((?:[0-9a-f]{2,8} ?)+?)(?: {2,}(?:[|>](.*)[|<]|(\S.*))|\s*$)/i.exec(l));
  both(rows.flatMap((r) => (r ? (r[1]!.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)) : [])));
  out.push(rows.map((r) => (r ? (r[2] ?? r[3] ?? '') : '')).join(''));
  // The fold.
  const confusable: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', Α: 'A', В: 'B', Ε: 'E', Н: 'H', К: 'K', М: 'M', О: 'O', Р: 'P', Т: 'T', Χ: 'X', ...SMALL_CAPITALS_BACK };
  out.push(
    text
      .replace(/[\u{e0020}-\u{e007e}]/gu, (c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000))
      .replace(/[\u{1f150}-\u{1f169}\u{1f170}-\u{1f189}\u{1f1e6}-\u{1f1ff}]/gu, (c) => String.fromCharCode(65 + ((c.codePointAt(0)! - 0x1f150) % 32) - (c.codePointAt(0)! >= 0x1f1e6 ? 22 : 0)))
      .normalize('NFKC')
      .replace(/\(([0-9A-Za-z]{1,2})\)/g, '$1')
      .replace(/[\p{Cf}\u2800]/gu, '')
      .replace(/./gu, (c) => confusable[c] ?? c),
  );
  // A character per call in code (`CHAR(115)`, `[char]115`, `int(115)`): the numbers after `(` or `]`.
  both([...text.matchAll(/[(\]]\s*(?:0x([0-9a-f]{1,2})|(\d{1,3}))(?![0-9a-z])/gi)].map((m) => (m[1] ? parseInt(m[1], 16) : Number(m[2]) & 255)));
  // Spelled out a word per character; line-number gutters out, lines joined.
  out.push(text.split(/[^A-Za-z0-9]+/).map((w) => SPELLED_BACK[w.toLowerCase()] ?? '').join(''));
  out.push(text.replace(/^[ \t]*\d{1,7}(?:\t|:| ?\| ?)/gm, '').replace(/\n/g, ''));
  // Compressed runs (base64 at 4 alignments, hex).
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{16,}/g)) {
    for (let a = 0; a < 4; a++) {
      const bytes = Buffer.from(m[0].slice(a).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      // Raw deflate has no magic: tried from the run's start only (where such a stream begins).
      for (const f of a === 0 ? [inflateSync, gunzipSync, inflateRawSync] : [inflateSync, gunzipSync]) {
        try {
          out.push(f(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8'));
        } catch {
          /* not this one */
        }
      }
    }
  }
  for (const m of text.matchAll(/(?:1f8b|78[0-9a-f]{2})[0-9a-f]+/gi)) {
    for (const f of [inflateSync, gunzipSync]) {
      try {
        out.push(f(Buffer.from(m[0], 'hex'), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8'));
      } catch {
        /* not this one */
      }
    }
  }
  // Compressed bytes written as text: JSON strings and Python bytes literals read as Latin-1 bytes,
  // inflated from every place a gzip or zlib header starts (gzip's deflate data raw past its
  // 10-byte header, so the bytes after the stream do not matter).
  const textBytes: Buffer[] = [];
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    try {
      textBytes.push(Buffer.from(JSON.parse(m[0]) as string, 'latin1'));
    } catch {
      /* not a JSON string */
    }
  }
  for (const m of text.matchAll(/b'((?:[^'\\]|\\.)*)'/g)) {
    textBytes.push(Buffer.from(m[1]!.replace(/\\x([0-9a-f]{2})|\\(.)/g, (_x, h: string | undefined, c: string | undefined) => (h ? String.fromCharCode(parseInt(h, 16)) : c!)), 'latin1'));
  }
  for (const bytes of textBytes) {
    for (let i = 0; i + 1 < bytes.length; i++) {
      const gzip = bytes[i] === 0x1f && bytes[i + 1] === 0x8b;
      if (!gzip && bytes[i] !== 0x78) continue;
      try {
        out.push((gzip ? inflateRawSync(bytes.subarray(i + 10), { finishFlush: constants.Z_SYNC_FLUSH }) : inflateSync(bytes.subarray(i), { finishFlush: constants.Z_SYNC_FLUSH })).toString('utf8'));
      } catch {
        /* not compressed here */
      }
    }
  }
  // Binary bytes and U+ code points, every token in order.
  both([...text.matchAll(/(?<![0-9])[01]{8}(?![0-9])/g)].map((m) => parseInt(m[0], 2)));
  out.push([...text.matchAll(/U\+([0-9A-F]{4,6})/gi)].map((m) => String.fromCodePoint(parseInt(m[1]!, 16))).join(''));
  // Octal bytes and little-endian words, every token in order (offsets have more digits).
  both([...text.matchAll(/(?<![0-9])[0-3][0-7]{2}(?![0-9])/g)].map((m) => parseInt(m[0], 8)));
  both([...text.matchAll(/(?<![0-9a-f])[0-9a-f]{4}(?![0-9a-f])/gi)].flatMap((m) => [parseInt(m[0].slice(2), 16), parseInt(m[0].slice(0, 2), 16)]));
  // The k-th JSON string of each line, joined over the lines (streamed deltas).
  const perLine = text.split('\n').filter((l) => l.includes('"')).map((l) => [...l.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map((m) => m[1]!));
  for (let k = 0; k < 6; k++) out.push(perLine.map((l) => l[k] ?? '').join(''));
  // ANSI colours out; a spread object's values and a typed array's values in key order.
  out.push(text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''));
  out.push([...text.matchAll(/"\d+"\s*:\s*"([^"]*)"/g)].map((m) => m[1]).join(''));
  both([...text.matchAll(/"\d+"\s*:\s*(\d{1,3})/g)].map((m) => Number(m[1]) & 255));
  // Characters one by one (od -c rows without offsets), concatenated pieces, emphasis and field marks out.
  out.push(text.replace(/^[0-7]{7}/gm, '').replace(/\s+/g, ''), text.replace(/(["'])\s*(?:\+|\|\||&|\.)?\s*\1/g, ''), text.replace(/[\s,;*`~|]+/g, ''), text.replace(/[\s•/]+/g, ''));
  // Markup out; lists' items joined; octal and %u escapes read.
  out.push(text.replace(/<[^<>]*>/g, ''), text.replace(/["']\s*,\s*["']/g, ''));
  out.push(Buffer.from(text.replace(/\\([0-3][0-7]{2})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))), 'latin1').toString('utf8'));
  out.push(text.replace(/%u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
  out.push(text.replace(/\\x\{([0-9a-f]{1,6})\}/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))));
  // RFC 2047 "B" encoded words joined (the folding between adjacent words is dropped).
  const bWords = [...text.matchAll(/=\?[^?\s]+\?B\?([A-Za-z0-9+/=]*)\?=/gi)];
  if (bWords.length > 0) out.push(Buffer.concat(bWords.map((m) => Buffer.from(m[1]!, 'base64'))).toString('utf8'));
  // RFC 2231 continuations joined in order (quoted, or `*N*=` percent-encoded).
  const continued = [...text.matchAll(/[\w.-]+\*(\d+)(\*?)="?([^";\s]*)"?/g)].sort((a, b) => Number(a[1]) - Number(b[1]));
  if (continued.length > 1) out.push(continued.map((m) => (m[2] ? decodeURIComponent(m[3]!.replace(/^[\w-]*'[\w-]*'/, '')) : m[3])).join(''));
  // Separators out: blanks and borders only, then dashes, dots and colons too.
  out.push(text.replace(/[\s|│┃║─━┼├┤]+|\+-+\+/g, ''), text.replace(/[\s|│┃║─━┼├┤+\-.:=]+/g, ''));
  return out;
}
