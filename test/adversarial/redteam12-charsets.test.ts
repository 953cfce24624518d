// Twelfth red team, family 4 of issue 18 (spellings of kinds still not decoded; SPEC §1.4 "found
// by decoding the response the ways real stacks encode text (…, the declared charset, UTF-16)").
// Severity: medium — the whole key, through a charset the answer declares.
//
// An answer declared `charset=iso-2022-jp` whose text is the key in JIS X 0208 (the double-byte set
// holds full-width Latin letters and digits: `ESC $ B` then `#s#k…`, what a Japanese mail or
// legacy web stack emits for full-width text): the body is decoded as UTF-8 whatever it declares
// (src/redact/response.ts `UTF8.decode(bytes)`), so the wall sees `#s#k#_#l…` (a `#` before each
// character), which no view joins; the full-width fold never sees the full-width letters. The
// agent runs `TextDecoder('iso-2022-jp')` + NFKC (or drops every `#`) and has the whole key.
// Same with `charset=utf-7` written one character per shift (`+AHM-+AGs-…`, RFC 2152 allows any
// character to be shifted): each shift is a base64 chunk of three characters, below any run.
import { describeSpellings, type Spelling } from '../helpers/redteam12.js';

const KEY = 'sk_live_8pT3wM6xNq2Rk9Lv4Zc7Bh1Gy5Fd';

/** JIS X 0208 row 3 (and `_` at 0x2132) for the key's characters, inside ESC $ B … ESC ( B. */
function iso2022jp(k: string): Buffer {
  const jis = [...k].map((c) => (c === '_' ? '!2' : `#${c}`)).join('');
  return Buffer.concat([Buffer.from('\x1b$B', 'latin1'), Buffer.from(jis, 'latin1'), Buffer.from('\x1b(B\n', 'latin1')]);
}
const readJis = (seen: string) => new TextDecoder('iso-2022-jp').decode(Buffer.from(seen, 'latin1')).normalize('NFKC');

const utf7 = (k: string) => [...k].map((c) => `+${Buffer.from(c, 'utf16le').swap16().toString('base64').replace(/=+$/, '')}-`).join('');
const readUtf7 = (seen: string) => seen.replace(/\+([A-Za-z0-9+/]+)-/g, (_m, b: string) => Buffer.from(b, 'base64').swap16().toString('utf16le'));

const SPELLINGS: Record<string, Spelling> = {
  'charset=iso-2022-jp, the key in full-width JIS': { answer: (k) => ({ body: iso2022jp(k), headers: { 'content-type': 'text/plain; charset=iso-2022-jp' } }), decode: readJis },
  'charset=iso-2022-jp in an HTML page': { answer: (k) => ({ body: Buffer.concat([Buffer.from('<p>API key: '), iso2022jp(k), Buffer.from('</p>')]), headers: { 'content-type': 'text/html; charset=ISO-2022-JP' } }), decode: readJis },
  'charset=utf-7, one character per shift': { answer: (k) => ({ body: `key=${utf7(k)}\n`, headers: { 'content-type': 'text/plain; charset=utf-7' } }), decode: readUtf7 },
};

describeSpellings('redteam12: the declared charset is not applied', KEY, SPELLINGS);
