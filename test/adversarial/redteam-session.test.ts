// Red team of this session's unwrap view (src/redact/views/unwrap.ts): hard-wrap layouts an agent
// joins with one replace() and decodes with one more, that the wall neither withholds nor redacts
// today. Each test is a plain `it` that fails while the layout gets through (the whole value read
// back from the body the agent is shown). README "text hard-wrapped at any column through an escape
// (… LF or CRLF, indented or not …)" covers the first three; the others are layouts it does not name.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'rts-unw-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';

const wrap = (t: string, width: number, sep: string) => t.match(new RegExp(`[^]{1,${width}}`, 'g'))!.join(sep);
const uEsc = (v: string) => [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const fromU = (t: string) => t.replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

const LAYOUTS: Record<string, { write: (v: string) => string; read: (shown: string) => string }> = {
  '\\u escapes hard-wrapped at 4 columns, LF': {
    write: (v) => wrap(`token="${uEsc(v)}"`, 4, '\n'),
    read: (t) => fromU(t.replace(/\n/g, '')),
  },
  'HTML hex references hard-wrapped at 5 columns, LF': {
    write: (v) => wrap(`mailto:${[...v].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')}`, 5, '\n'),
    read: (t) => t.replace(/\n/g, '').replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))),
  },
  'JavaScript \\u{...} escapes hard-wrapped at 20 columns, LF': {
    write: (v) => wrap(`k='${[...v].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join('')}'`, 20, '\n'),
    read: (t) => t.replace(/\n/g, '').replace(/\\u\{([0-9a-f]+)\}/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))),
  },
  '\\u escapes hard-wrapped at 64 columns, U+2028 line separator': {
    write: (v) => wrap(`token="${uEsc(v)}"`, 64, '\u2028'),
    read: (t) => fromU(t.replace(/\u2028/g, '')),
  },
  '\\u escapes hard-wrapped at 64 columns, NEL (U+0085)': {
    write: (v) => wrap(`token="${uEsc(v)}"`, 64, '\u0085'),
    read: (t) => fromU(t.replace(/\u0085/g, '')),
  },
  '\\u escapes hard-wrapped at 64 columns, a trailing blank before each LF': {
    write: (v) => wrap(`token="${uEsc(v)}"`, 64, ' \n'),
    read: (t) => fromU(t.replace(/ \n/g, '')),
  },
  '\\u escapes hard-wrapped at 64 columns, quoted as in a mail reply ("> ")': {
    write: (v) => `> ${wrap(`token="${uEsc(v)}"`, 64, '\n> ')}`,
    read: (t) => fromU(t.replace(/\n> /g, '')),
  },
  '\\u escapes hard-wrapped at 64 columns, "_" continuation marker': {
    write: (v) => wrap(`token="${uEsc(v)}"`, 64, '_\n'),
    read: (t) => fromU(t.replace(/_\n/g, '')),
  },
};

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const kind = new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? '';
    const layout = LAYOUTS[kind];
    if (!layout) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(layout.write(String(req.headers['x-api-key'] ?? '')));
  });
  up = await listenOn(server);
  s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up?.close();
});

describe('redteam (this session): hard wraps the unwrap view does not take out', () => {
  for (const [kind, { write, read }] of Object.entries(LAYOUTS)) {
    it(kind, async () => {
      // The layout is what its reader says it is.
      expect(read(write(KEY))).toContain(KEY);
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
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
