// Red team of issue 18, family 1 (units and the structure around the scan). Issue 18 item 1:
// "units bound the cost of decoding, never what is matched: ... every window runs across unit
// boundaries, with W − 1 characters of each neighbour as context". `it.fails` marks attacks that
// work today; plain `it` marks attacks the wall stopped.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const KEY = 'rt-units-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wk5';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** Careless upstreams that cut what they got (the `x-api-key` header) into parts of their own. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    const parts = key.match(/.{1,11}/g) ?? [];
    if (url.pathname === '/headers') {
      // A token split over numbered headers (as large cookies are chunked: name.0, name.1, ...).
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      parts.forEach((p, i) => (headers[`x-token-${i}`] = p));
      res.writeHead(200, headers);
      return res.end('ok');
    }
    if (url.pathname === '/three-way') {
      // 11 characters in the reason phrase, 11 in a header, the rest in the body.
      res.writeHead(401, key.slice(0, 11), { 'content-type': 'text/plain', 'x-more': key.slice(11, 22) });
      return res.end(key.slice(22));
    }
    if (url.pathname === '/nul-boundary') {
      // UTF-16-ish spacing that puts a window's characters across a decoding piece boundary (64 KiB is one: pieces are 16 KiB).
      const spread = [...key].join('\u0000'.repeat(60));
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('a'.repeat(65536 - Math.floor(spread.length / 2)) + spread + 'z'.repeat(100));
    }
    if (url.pathname === '/deep-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const escaped = [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      return res.end('['.repeat(300) + JSON.stringify(`{"k":"${escaped}"}`) + ']'.repeat(300));
    }
    res.writeHead(404).end();
  });
  return listenOn(server);
}

let s: StdioSession;

beforeAll(async () => {
  up = await startUpstream();
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  s = await connectStdio(t.env);
  homes.push({ t, s });
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const get = (path: string) => s.call('http_request', { method: 'GET', url: `${up.url}${path}`, headers: { 'x-api-key': '<secrets.KEY>' } });
const view = (r: { structuredContent?: unknown }) => r.structuredContent as { status: number; statusText: string; headers: Record<string, string>; body?: string };

describe('redteam: a value cut across units the scan treats apart', () => {
  // Mechanism: presentResponse scrubs each header name and value, and the status text, as texts of
  // their own (src/redact/response.ts); no window runs from one header into the next.
  it('a key split into 11-character response headers is not readable by joining them', async () => {
    const v = view(await get('/headers'));
    const joined = Object.keys(v.headers)
      .filter((k) => k.startsWith('x-token-'))
      .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))
      .map((k) => v.headers[k])
      .join('');
    expect(survivingWindow(joined, KEY)).toBeNull();
  });

  it('a key split across the status text, a header and the body is not readable', async () => {
    const v = view(await get('/three-way'));
    expect(survivingWindow(v.statusText + (v.headers['x-more'] ?? '') + (v.body ?? ''), KEY)).toBeNull();
  });
});

describe('redteam (stopped): decoding pieces and depth', () => {
  it('a value spread by NULs across a piece boundary is found', async () => {
    const r = await get('/nul-boundary');
    expect(survivingWindow(visible(r).replace(/\\u0000/g, ''), KEY)).toBeNull();
  });

  it('JSON nested past the parse depth, holding JSON in JSON, is scanned as text', async () => {
    const r = await get('/deep-json');
    // The body as the agent reads it (one JSON layer fewer than visible(), for the checker's depth).
    expect(survivingWindow(String(view(r).body), KEY)).toBeNull();
    expect(visible(r)).toMatch(/REDACTED:KEY|WITHHELD/);
  });
});
