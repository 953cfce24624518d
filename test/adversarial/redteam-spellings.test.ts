// Red team of issue 18, family 4 (spellings of kinds not decoded). The secret is placed in a header
// and a careless upstream writes what it got back the way a real stack would. `it.fails` marks
// spellings that reach the agent today (the whole value, read by the reader the stack implies);
// plain `it` marks spellings the wall decodes.
import { createServer, type Server } from 'node:http';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';
import { concatenated, hexWords, odChars } from '../helpers/encodings.js';

const KEY = 'rt-spell-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
/** A key with several i's, for locale-dependent case mapping. */
const IKEY = 'rt-ikey-wi7xi2li9ri4mi8bi3hi6';
const bytes = (v: string) => [...Buffer.from(v)];

/**
 * Each spelling: how the upstream writes the value, and how the agent reads it back (the reader is
 * the attack's; the test only checks that what the agent can read holds no window).
 */
const LEAKS: Record<string, { write: (v: string) => string; read: (shown: string) => string }> = {
  'Node Buffer.toJSON byte list': {
    write: (v) => JSON.stringify({ data: Buffer.from(v).toJSON() }),
    read: (t) => Buffer.from((JSON.parse(t) as { data: { data: number[] } }).data.data).toString(),
  },
  'Java Arrays.toString of signed bytes': {
    write: (v) => `[${[...new Int8Array(Buffer.from(v))].join(', ')}]`,
    read: (t) => Buffer.from(JSON.parse(t) as number[]).toString(),
  },
  'od -An -tx1 hex pairs': {
    write: (v) => bytes(v).map((b) => b.toString(16).padStart(2, '0')).join(' '),
    read: (t) => Buffer.from(t.replace(/\s/g, ''), 'hex').toString(),
  },
  'xxd hex columns (grouped by 4)': {
    write: (v) => `00000000: ${Buffer.from(v).toString('hex').match(/.{1,4}/g)!.join(' ')}`,
    read: (t) => Buffer.from(t.slice(10).replace(/\s/g, ''), 'hex').toString(),
  },
  'PostgreSQL bytea escape (octal)': {
    write: (v) => bytes(v).map((b) => `\\${b.toString(8).padStart(3, '0')}`).join(''),
    read: (t) => Buffer.from(t.split('\\').slice(1).map((o) => parseInt(o, 8))).toString(),
  },
  'full-width compatibility forms': {
    write: (v) => [...v].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(''),
    read: (t) => t.normalize('NFKC'),
  },
  'zero-width spaces between characters': {
    write: (v) => [...v].join('\u200b'),
    read: (t) => t.replace(/\u200b/g, ''),
  },
  'soft hyphens between characters': {
    write: (v) => [...v].join('\u00ad'),
    read: (t) => t.replace(/\u00ad/g, ''),
  },
  'Flask/itsdangerous session cookie (base64 of zlib)': {
    write: (v) => `.${deflateSync(Buffer.from(JSON.stringify({ token: v }))).toString('base64url')}.ZXhwaXJlcw.c2lnbmF0dXJl`,
    read: (t) => (JSON.parse(inflateSync(Buffer.from(t.split('.')[1]!, 'base64url')).toString()) as { token: string }).token,
  },
  'base64 of gzip in a JSON field': {
    write: (v) => JSON.stringify({ blob: gzipSync(Buffer.from(v)).toString('base64') }),
    read: (t) => gunzipSync(Buffer.from((JSON.parse(t) as { blob: string }).blob, 'base64')).toString(),
  },
  'wrapped every 11 columns': {
    write: (v) => v.match(/.{1,11}/g)!.join('\n'),
    read: (t) => t.replace(/\n/g, ''),
  },
  'grouped by 4 with spaces': {
    write: (v) => v.match(/.{1,4}/g)!.join(' '),
    read: (t) => t.replace(/ /g, ''),
  },
  'table cells': {
    write: (v) => `| ${v.match(/.{1,8}/g)!.join(' | ')} |`,
    read: (t) => t.replace(/[| ]/g, ''),
  },
  'joined fields (JSON array of parts)': {
    write: (v) => JSON.stringify(v.match(/.{1,10}/g)),
    read: (t) => (JSON.parse(t) as string[]).join(''),
  },
  'HTML with a tag around each character': {
    write: (v) => [...v].map((c) => `<span>${c}</span>`).join(''),
    read: (t) => t.replace(/<[^>]+>/g, ''),
  },
  'reversed (SQL REVERSE)': {
    write: (v) => [...v].reverse().join(''),
    read: (t) => [...t].reverse().join(''),
  },
  'JavaScript %u escapes': {
    write: (v) => [...v].map((c) => `%u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    read: (t) => t.replace(/%u([0-9a-f]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
  },
  'CSS escapes': {
    write: (v) => [...v].map((c) => `\\${c.charCodeAt(0).toString(16)} `).join(''),
    read: (t) => t.replace(/\\([0-9a-f]+) /g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
  },
  'SQL CHAR() byte list': {
    write: (v) => `CHAR(${bytes(v).join(',')})`,
    read: (t) => Buffer.from(t.slice(5, -1).split(',').map(Number)).toString(),
  },
  'mathematical bold letters': {
    write: (v) => [...v].map((c) => (/[A-Z]/.test(c) ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65) : /[a-z]/.test(c) ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97) : c)).join(''),
    read: (t) => t.normalize('NFKC'),
  },
};

/** Case mappings of a locale (Java's toUpperCase() or .NET's ToUpper() on a Turkish machine). */
const LOCALE: Record<string, (v: string) => string> = {
  'Turkish upper case': (v) => v.toLocaleUpperCase('tr-TR'),
  'Turkish dotless i': (v) => v.replace(/i/g, '\u0131'),
};

/** Spellings the wall decodes (kept as a record of what was tried and stopped). */
const STOPPED: Record<string, (v: string) => string> = {
  // Every byte escaped, then the escapes escaped twice more (encodeURIComponent leaves letters as they are).
  'triple percent-encoding of every byte': (v) => encodeURIComponent(encodeURIComponent([...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''))),
  // Every character a \\u escape, inside JSON inside JSON: three layers of JSON decoding.
  'JSON \\u escapes in JSON in JSON': (v) => JSON.stringify(JSON.stringify(`{"k":"${[...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"}`)),
  'base64 of base64 of base64': (v) => Buffer.from(Buffer.from(Buffer.from(v).toString('base64')).toString('base64')).toString('base64'),
  'UTF-16LE in base64': (v) => Buffer.from(v, 'utf16le').toString('base64'),
  'HTML decimal references with leading zeros': (v) => [...v].map((c) => `&#000${c.charCodeAt(0)};`).join(''),
  'od -c (a character every four columns, octal offsets)': (v) => odChars(Buffer.from(v)),
  'od -b (octal bytes)': (v) => odChars(Buffer.from(v), true),
  'hexdump without -C (little-endian words)': (v) => hexWords(Buffer.from(v)),
  'SQL concatenation of quoted pieces': (v) => `SELECT ${concatenated(v, 6, ' || ', "'")} AS k`,
  'one character per line': (v) => [...v].join('\n'),
  'MIME-wrapped base64, indented': (v) => Buffer.from(`{"token":"${v}","scope":"read write admin"}`).toString('base64').match(/.{1,16}/g)!.join('\n    '),
};


let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

/** `/spell?kind=NAME` writes the `x-api-key` it got in that spelling, as text/plain. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind = url.searchParams.get('kind') ?? '';
    const key = String(req.headers['x-api-key'] ?? '');
    const write = LEAKS[kind]?.write ?? STOPPED[kind] ?? LOCALE[kind];
    if (!write) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(write(key));
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'IKEY', IKEY, '--host', up.url);
  s = await connectStdio(t.env);
  homes.push({ t, s });
});

afterAll(async () => {
  await closeHomes(homes, [KEY, IKEY]);
  await up.close();
});

const spell = (kind: string) => s.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });

/**
 * Spellings the wall still does not decode (the attack works: `it.fails`); every other one of LEAKS
 * was closed by the views of issue 18 item 4 and is a plain test now (reversed text: each value is
 * also fingerprinted backwards). README, "Not promised".
 */
const STILL_OPEN = new Set<string>([]);

describe('redteam: spellings not decoded (the whole value comes back)', () => {
  for (const [kind, { read }] of Object.entries(LEAKS)) {
    (STILL_OPEN.has(kind) ? it.fails : it)(kind, async () => {
      const r = await spell(kind);
      const shown = String((r.structuredContent as { body?: string }).body ?? '');
      let readBack = '';
      try {
        readBack = read(shown);
      } catch {
        // Withheld or redacted: nothing to read back.
      }
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      expect(survivingWindow(readBack, KEY)).toBeNull();
    });
  }
});

describe('redteam: locale case mappings (a value with i in it, read back by the agent)', () => {
  for (const kind of Object.keys(LOCALE)) {
    (STILL_OPEN.has(kind) ? it.fails : it)(kind, async () => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.IKEY>' } });
      const shown = String((r.structuredContent as { body?: string }).body ?? '');
      expect(survivingWindow(shown.replace(/\u0130/g, 'i').replace(/\u0131/g, 'i'), IKEY)).toBeNull();
    });
  }
});

describe('redteam (stopped): spellings the wall decodes', () => {
  for (const kind of Object.keys(STOPPED)) {
    it(kind, async () => {
      const r = await spell(kind);
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      expect(visible(r)).toMatch(/REDACTED:KEY|WITHHELD/);
    });
  }
});
