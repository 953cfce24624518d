// The declared charset (src/redact/charset.ts, SPEC §1.4): a body is decoded with the charset it
// declares (Content-Type, else a document's `<meta charset>` / XML declaration, a byte-order mark
// first), the decoded text is what is scanned and shown, and the bytes read as UTF-8 (and as every
// other declared charset, and as ISO-2022-JP when they hold its escapes) are scanned too and mapped
// back. A charset TextDecoder does not know withholds the body. Members beyond the red team's
// (redteam12-charsets): other multi-byte charsets, other places of the declaration, 7-bit text no
// declaration names, a single-byte declaration over UTF-8 bytes, other unreadable charsets.
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor, WITHHELD_NOTICE } from '../../src/redact/redactor.js';
import { presentResponse } from '../../src/redact/response.js';

const KEY = 'cs-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5Kj1';
/** Full-width forms of printable ASCII (what a Japanese, Chinese or Korean stack emits for "wide" text). */
const wide = (s: string) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(8) });
  r.add({ name: 'KEY', value: KEY });
  return r;
}

async function present(body: Buffer, contentType?: string) {
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  return presentResponse(redactor(), { status: 200, statusText: 'OK', headers, body, cut: false }, 1 << 20);
}
const shownOf = (v: { body?: string; json?: unknown }) => v.body ?? JSON.stringify(v.json) ?? '';

/** Encoder for a double-byte charset, built by decoding every byte pair (TextDecoder has no encoders). */
const encoders = new Map<string, Map<string, Buffer>>();
function encode(charset: string, text: string): Buffer {
  let table = encoders.get(charset);
  if (!table) {
    table = new Map();
    const jis = charset === 'iso-2022-jp';
    for (let a = jis ? 0x21 : 0x81; a <= (jis ? 0x7e : 0xfe); a++) {
      for (let b = jis ? 0x21 : 0x40; b <= (jis ? 0x7e : 0xfe); b++) {
        const pair = Buffer.from([a, b]);
        const c = new TextDecoder(charset).decode(jis ? Buffer.concat([Buffer.from('\x1b$B', 'latin1'), pair]) : pair);
        if (c.length === 1 && c !== '\ufffd' && !table.has(c)) table.set(c, pair);
      }
    }
    encoders.set(charset, table);
  }
  const parts: Buffer[] = [];
  let double = false;
  for (const c of text) {
    const pair = c.charCodeAt(0) < 0x80 ? undefined : table.get(c);
    if (c.charCodeAt(0) >= 0x80 && !pair) throw new Error(`no ${charset} form for U+${c.charCodeAt(0).toString(16)}`);
    if (charset === 'iso-2022-jp' && double !== (pair !== undefined)) parts.push(Buffer.from((double = pair !== undefined) ? '\x1b$B' : '\x1b(B', 'latin1'));
    parts.push(pair ?? Buffer.from(c, 'latin1'));
  }
  if (double) parts.push(Buffer.from('\x1b(B', 'latin1'));
  return Buffer.concat(parts);
}

/** UTF-7 (RFC 2152), `per` characters a shift. */
const utf7 = (s: string, per: number) =>
  (s.match(new RegExp(`[^]{1,${per}}`, 'g')) ?? []).map((p) => `+${Buffer.from(p, 'utf16le').swap16().toString('base64').replace(/=+$/, '')}-`).join('');

/** What an agent does to a shown text to read a value back: each reader's output is searched. */
const READERS: Array<(t: string) => string> = [
  (t) => t,
  (t) => new TextDecoder('iso-2022-jp').decode(Buffer.from(t, 'latin1')),
  (t) => t.replace(/\+([A-Za-z0-9+/]+)-?/g, (_m, b: string) => Buffer.from(b, 'base64').swap16().toString('utf16le')),
  (t) => Buffer.from(t, 'latin1').toString('utf8'),
  (t) => new TextDecoder('windows-1252').decode(Buffer.from(t, 'utf8')),
];
function readable(shown: string): boolean {
  const all = READERS.map((read) => read(shown).normalize('NFKC').toLowerCase()).join('\n');
  for (let i = 0; i + 12 <= KEY.length; i++) if (all.includes(KEY.slice(i, i + 12).toLowerCase())) return true;
  return false;
}

const NOTE = wide('NOTE:');

describe('a declared multi-byte charset is decoded, shown and scanned', () => {
  const placed: Record<string, [string | undefined, (enc: string) => Buffer]> = {
    'Content-Type charset': ['text/plain; charset=%', (enc) => encode(enc, `${NOTE}\n${wide(KEY)}\n`)],
    'Content-Type charset, quoted and capitalised': ['text/plain; format=flowed; charset="%"', (enc) => encode(enc, `${NOTE}\n${wide(KEY)}\n`)],
    '<meta charset> (text/html, no charset parameter)': ['text/html', (enc) => Buffer.concat([Buffer.from(`<html><head><meta charset="${enc}"></head><body><p>`), encode(enc, `${NOTE}\n${wide(KEY)}`), Buffer.from('</p></body></html>')])],
    '<meta http-equiv content> (no Content-Type at all)': [
      undefined,
      (enc) => Buffer.concat([Buffer.from(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=${enc}"></head><body>`), encode(enc, `${NOTE}\n${wide(KEY)}`), Buffer.from('</body></html>')]),
    ],
    '<?xml encoding?> (application/xml)': ['application/xml', (enc) => Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="${enc}"?>\n<key>`), encode(enc, `${NOTE}\n${wide(KEY)}`), Buffer.from('</key>\n')])],
  };
  for (const enc of ['iso-2022-jp', 'shift_jis', 'euc-jp', 'gbk', 'gb18030', 'big5', 'euc-kr']) {
    for (const [where, [type, body]] of Object.entries(placed)) {
      it(`${enc}, declared by ${where}: the key in full-width letters`, async () => {
        const { view, findings } = await present(body(enc), type?.replace('%', enc.toUpperCase()));
        const shown = shownOf(view);
        expect(readable(shown), 'a window of the key is readable').toBe(false);
        // What the agent is shown is the decoded text (the honest part intact), redacted. (With no
        // Content-Type, bytes that are not UTF-8 are summarised as binary, as before.)
        expect(shown.includes(NOTE) || (type === undefined && view.binary !== undefined)).toBe(true);
        expect(findings.pieces.size).toBe(0);
        expect(shown.includes('\ufffd')).toBe(false);
      });
    }
  }
});

describe('7-bit text any shown text carries, whatever the declaration', () => {
  const members: Record<string, [Buffer, string | undefined]> = {
    'ISO-2022-JP, no charset declared': [encode('iso-2022-jp', `key: ${wide(KEY)}\n`), 'text/plain'],
    'ISO-2022-JP, declared utf-8': [encode('iso-2022-jp', `key: ${wide(KEY)}\n`), 'text/plain; charset=utf-8'],
    'ISO-2022-JP with ESC $ @ (JIS C 6226-1978), declared': [Buffer.from(encode('iso-2022-jp', `key: ${wide(KEY)}\n`).toString('latin1').replace(/\x1b\$B/g, '\x1b$@'), 'latin1'), 'text/plain; charset=iso-2022-jp'],
    'ISO-2022-JP in a JSON answer': [Buffer.concat([Buffer.from('{"note":"'), encode('iso-2022-jp', wide(KEY)), Buffer.from('"}')]), 'application/json; charset=ISO-2022-JP'],
  };
  for (const [name, [body, type]] of Object.entries(members)) {
    it(name, async () => {
      const { view } = await present(body, type);
      expect(readable(shownOf(view)), 'a window of the key is readable').toBe(false);
    });
  }
});

describe('a charset TextDecoder does not read withholds the body (never shown as UTF-8)', () => {
  const members: Record<string, [string, string]> = {
    'utf-7, one character a shift': ['text/plain; charset=utf-7', `key=${utf7(KEY, 1)}\n`],
    'utf-7, two characters a shift': ['text/plain; charset=UTF-7', `key=${utf7(KEY, 2)}\n`],
    'utf-7 (quoted), five characters a shift, in HTML': ['text/html; charset="utf-7"', `<p>${utf7(KEY, 5)}</p>`],
    'utf-7 by <meta> alone': ['text/html', `<meta charset="utf-7"><p>${utf7(KEY, 1)}</p>`],
    'utf-7 by the XML declaration alone': ['application/xml', `<?xml version="1.0" encoding="UTF-7"?><k>${utf7(KEY, 1)}</k>`],
    'unicode-1-1-utf-7': ['text/plain; charset=unicode-1-1-utf-7', `key=${utf7(KEY, 1)}\n`],
    'iso-2022-kr (the replacement encoding)': ['text/plain; charset=iso-2022-kr', `key=${KEY}\n`],
    'utf-32': ['text/plain; charset=utf-32', `key=${KEY}\n`],
    'ebcdic cp037': ['text/plain; charset=cp037', `key=${KEY}\n`],
    'a made-up name': ['text/plain; charset=x-blindfold-test', `key=${KEY}\n`],
    'a second, unknown charset parameter': ['text/plain; charset=utf-8; charset=utf-7', `key=${utf7(KEY, 1)}\n`],
  };
  for (const [name, [type, body]] of Object.entries(members)) {
    it(name, async () => {
      const { view, findings } = await present(Buffer.from(body), type);
      expect(view.body).toBe(WITHHELD_NOTICE);
      expect(view.withheld).toBe(true);
      expect(findings.limited).toBe(true);
      expect(readable(shownOf(view))).toBe(false);
    });
  }
});

describe('the bytes read as UTF-8 are scanned too (a wrong declaration)', () => {
  for (const enc of ['windows-1252', 'iso-8859-5', 'koi8-r', 'shift_jis', 'utf-16le']) {
    it(`declared ${enc}, the bytes are UTF-8 of the full-width key`, async () => {
      const { view } = await present(Buffer.from(`key: ${wide(KEY)}\n`), `text/plain; charset=${enc}`);
      expect(readable(shownOf(view)), 'a window of the key is readable').toBe(false);
    });
  }
  for (const enc of ['utf-16le', 'utf-16be']) {
    it(`declared ${enc}, the bytes are ASCII`, async () => {
      const { view } = await present(Buffer.from(`key=${KEY}\n\n`), `text/plain; charset=${enc}`);
      const shown = shownOf(view);
      expect(readable(shown)).toBe(false);
      const back = Buffer.from(shown, 'utf16le');
      expect(readable((enc === 'utf-16be' ? back.swap16() : back).toString('latin1'))).toBe(false);
    });
  }
});

describe('honest answers in other charsets are shown decoded', () => {
  it('windows-1252 declared iso-8859-1', async () => {
    const { view, findings } = await present(Buffer.from('Caf\xe9, d\xe9j\xe0 vu \x80 5 \x93quoted\x94 \x97 done\n', 'latin1'), 'text/html; charset=iso-8859-1');
    expect(view.body).toBe('Café, déjà vu € 5 “quoted” — done\n');
    expect(view.withheld).toBeUndefined();
    expect(findings.pieces.size + Number(findings.limited)).toBe(0);
  });
  it('Shift_JIS, EUC-KR, Big5 and GBK prose', async () => {
    for (const [enc, text] of [['shift_jis', 'こんにちは、世界'], ['euc-kr', '안녕하세요'], ['big5', '你好，世界'], ['gbk', '你好，世界']] as const) {
      const { view } = await present(encode(enc, text), `text/plain; charset=${enc}`);
      expect(view.body).toBe(text);
    }
  });
  it('JSON in UTF-16LE (with its byte-order mark) and UTF-16BE is parsed', async () => {
    const json = { name: 'Zoë', n: 1 };
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(json), 'utf16le')]);
    expect((await present(le, 'application/json; charset=utf-16')).view.json).toEqual(json);
    expect((await present(Buffer.from(JSON.stringify(json), 'utf16le').swap16(), 'application/json; charset=utf-16be')).view.json).toEqual(json);
  });
  it('a BOM wins over the declared charset (other than UTF-8)', async () => {
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Grüße', 'utf16le').swap16()]);
    expect((await present(be, 'text/plain; charset=utf-16le')).view.body).toBe('Grüße');
  });
  for (const enc of ['windows-1252', 'shift_jis', 'utf-16le']) {
    it(`a whole echo of the key in ${enc} is redacted, not a piece`, async () => {
      // A multi-byte charset maps another reading's hit to within 3 bytes (src/redact/charset-map.ts).
      const text = `${enc === 'shift_jis' ? 'あなたのキー' : 'Clé'}: ${KEY}\n\n\n\nnext line\n`;
      const body = enc === 'shift_jis' ? encode(enc, text) : enc === 'utf-16le' ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'latin1');
      const { view, findings } = await present(body, `text/plain; charset=${enc}`);
      expect(findings.pieces.size).toBe(0);
      expect(view.redacted).toEqual(['KEY']);
      expect(view.body).toContain('[REDACTED:KEY]');
      expect(view.body).toContain('next line');
      expect(readable(shownOf(view))).toBe(false);
    });
  }
  it('UTF-8 and undeclared bodies are read as before', async () => {
    expect((await present(Buffer.from([0x61, 0xff, 0x62]), 'text/plain; charset=utf-8')).view.body).toBe('a\ufffdb');
    expect((await present(Buffer.from('plain words'), 'text/plain')).view.body).toBe('plain words');
  });
  it('bytes that are not text in their declared charset (brotli) are shown as UTF-8, as before', async () => {
    const br = brotliCompressSync(Buffer.from(`<html><body>key: ${KEY}</body></html>`));
    const { view } = await present(br, 'text/html; charset=iso-8859-1');
    expect(view.body).toBe(new TextDecoder().decode(br));
  });
});
