// Sixth red team of issue 18, families 3 (functions of bytes nobody scanned: compressed downloads,
// sizes, partial representations) and 1 (the scan fails closed: charsets, nesting, padding,
// truncation). A careless upstream on 127.0.0.1 gets the real key in a header and answers with it
// in some framing; the test asserts the promise: no window of the key (nor, for BREACH members, no
// figure of the compressed size) in what the agent is shown, and the framing's own reader applied
// to the shown body gives nothing back. A fresh home per case.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt6-unt-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';

type Answer = (key: string, req: IncomingMessage, res: ServerResponse) => void;
interface Case {
  answer: Answer;
  /** The reader the framing implies, applied to the shown body (default: the body itself). */
  read?: (shown: string) => string;
  method?: string;
  headers?: Record<string, string>;
}
const html = (k: string) => `<html><body><p>Your key is ${k}</p></body></html>`;

const CASES: Record<string, Case> = {
  // ---- family 3: compressed transfer codings ----
  'Content-Encoding: br': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'br' }).end(brotliCompressSync(Buffer.from(html(k)))) },
  'Content-Encoding: deflate as raw deflate (IIS, old PHP)': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'deflate' }).end(deflateRawSync(Buffer.from(html(k)))) },
  'Content-Encoding: deflate as zlib': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'deflate' }).end(deflateSync(Buffer.from(html(k)))) },
  'Content-Encoding: gzip, gzip (applied twice by two proxies)': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip, gzip' }).end(gzipSync(gzipSync(Buffer.from(html(k))))) },
  'Content-Encoding: x-gzip': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'x-gzip' }).end(gzipSync(Buffer.from(html(k)))) },
  'application/gzip download of a text file': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(Buffer.from(`API_KEY=${k}\n`))) },
  'application/x-brotli download of a text file': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'application/x-brotli' }).end(brotliCompressSync(Buffer.from(`API_KEY=${k}\n`))) },
  'gzip body with no Content-Encoding, served as application/octet-stream': { answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(gzipSync(Buffer.from(`API_KEY=${k}\n`))) },

  // ---- family 3: partial representations the upstream sends unasked ----
  '206 with Content-Range, unasked (an upstream that pages by bytes)': { answer: (k, _q, res) => res.writeHead(206, { 'content-type': 'text/plain', 'content-range': `bytes 0-${k.length - 1}/4096` }).end(k) },
  'multipart/byteranges in a 200': {
    answer: (k, _q, res) =>
      res.writeHead(200, { 'content-type': 'multipart/byteranges; boundary=B' }).end(`--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-10/99\r\n\r\n${k.slice(0, 11)}\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 11-21/99\r\n\r\n${k.slice(11, 22)}\r\n--B--\r\n`),
    read: (t) => [...t.matchAll(/\r\n\r\n([^\r]*)\r\n/g)].map((m) => m[1]).join(''),
  },

  // ---- family 1: the declared charset is not what the bytes are ----
  'ASCII body declared charset=utf-16le (the agent re-encodes what it is shown)': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-16le' }).end(Buffer.from(`key=${k}\n`)),
    read: (t) => Buffer.from(t, 'utf16le').toString('latin1'),
  },
  'ASCII body declared charset=utf-16be': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-16be' }).end(Buffer.from(`key=${k}\n`)),
    read: (t) => Buffer.from(t, 'utf16le').swap16().toString('latin1'),
  },
  'ASCII body declared charset=utf-16 with a big-endian BOM': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-16' }).end(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`key=${k}\n`)])),
    read: (t) => Buffer.from(t.replace(/^\ufeff/, ''), 'utf16le').swap16().toString('latin1'),
  },
  'UTF-16LE body with a BOM, declared charset=utf-8 (a Windows export)': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`key=${k}\n`, 'utf16le')])),
  },

  // ---- family 1: nesting, padding, truncation ----
  'the key under 20,000 levels of JSON arrays': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${'['.repeat(20000)}"${k}"${']'.repeat(20000)}`),
  },
  'the key as base64 of base64 after 200 KiB of escapes in the same JSON string': {
    answer: (k, _q, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"log":"${'\\\\u0026amp;%2525'.repeat(14000)} token=${Buffer.from(Buffer.from(k).toString('base64')).toString('base64')}"}`),
    read: (t) => {
      const m = t.match(/token=([A-Za-z0-9+/=]+)/);
      return m ? Buffer.from(Buffer.from(m[1]!, 'base64').toString(), 'base64').toString() : '';
    },
  },
  'maxBytes cuts a hex dump in the middle of its ASCII column': {
    answer: (k, _q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${'x'.repeat(30)}\n${[...Buffer.from(`key=${k}`)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n${'y'.repeat(5000)}`),
    headers: {},
  },
};

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const kind = new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? '';
    const c = CASES[kind];
    if (!c) return void res.writeHead(404).end();
    c.answer(String(req.headers['x-api-key'] ?? ''), req, res);
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

describe('redteam6: framings of an answer (families 1 and 3)', () => {
  for (const [kind, c] of Object.entries(CASES)) {
    it(kind, async () => {
      const mine: typeof homes = [];
      const s = await servedHome(mine, [['KEY', KEY, '--host', up.url]]);
      const extra = kind.startsWith('maxBytes') ? { maxBytes: 40 + 30 } : {};
      const r = await s.call('http_request', { method: c.method ?? 'GET', url: `${up.url}/f`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' }, ...extra });
      await closeHomes(mine, [KEY]);
      const sc = (r.structuredContent ?? {}) as { body?: string; json?: unknown };
      const body = sc.body ?? (sc.json !== undefined ? JSON.stringify(sc.json) : '');
      let readBack = '';
      try {
        readBack = (c.read ?? ((t: string) => t))(body);
      } catch {
        // Withheld or redacted: nothing to read back.
      }
      expect(survivingWindow(visible(r), KEY) === null, 'a window of the key is in what the agent is shown').toBe(true);
      expect(survivingWindow(readBack, KEY) === null, "the framing's reader gives the key back from the shown body").toBe(true);
    });
  }
});

// Family 3, BREACH through a header figure: an upstream compressing (Content-Encoding: gzip) a body
// that holds the key beside the agent's text states the compressed size in Content-Length (nginx,
// Apache mod_deflate with buffering, any CDN). GET and HEAD (HEAD answers no body, only the figure).
describe('redteam6: no figure of a compressed answer reaches the agent (family 3)', () => {
  let gz: { url: string; close(): Promise<void> };
  const sizes: number[] = [];
  beforeAll(async () => {
    gz = await listenOn(
      createServer((req, res) => {
        const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
        const packed = gzipSync(Buffer.from(`<html><body>search: ${q}<br>key: ${String(req.headers['x-api-key'] ?? '')}</body></html>`));
        sizes.push(packed.length);
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(packed.length), vary: 'accept-encoding' });
        res.end(req.method === 'HEAD' ? undefined : packed);
      }) as Server,
    );
  });
  afterAll(async () => {
    await gz.close();
  });
  for (const method of ['GET', 'HEAD']) {
    it(`${method}: the compressed Content-Length is not shown`, async () => {
      const mine: typeof homes = [];
      const s = await servedHome(mine, [['KEY', KEY, '--host', gz.url]]);
      sizes.length = 0;
      const r = await s.call('http_request', { method, url: `${gz.url}/search`, query: { q: 'key: rt6-unt-' }, headers: { 'x-api-key': '<secrets.KEY>' } });
      await closeHomes(mine, [KEY]);
      const headers = ((r.structuredContent ?? {}) as { headers?: Record<string, string> }).headers ?? {};
      expect(sizes).toHaveLength(1);
      expect(Object.values(headers).includes(String(sizes[0])), 'a header shows the compressed size').toBe(false);
      expect(survivingWindow(visible(r), KEY) === null).toBe(true);
    });
  }
});
