// Third red team of issue 18, families 1 and 3 at the edges of an exchange: a value cut across
// cookies that number their payload, and error paths (a reset or a stall mid-body, a cut gzip
// stream, HTTP trailers, 103 Early Hints) that could show bytes nobody vouched for.
// `it.fails` marks what reaches the agent today; plain `it` marks what the wall stopped.
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt3-unt-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
const parts = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;

type Answer = (key: string, res: import('node:http').ServerResponse) => void;
const ANSWERS: Record<string, Answer> = {
  // NextAuth (next-auth.session-token.0, .1, …) and ASP.NET Core (…C1, C2) split a long cookie into
  // numbered chunks; here the chunks are short (below a window), as an upstream with a small limit would.
  chunkedCookies: (k, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': parts(k, 10).map((p, i) => `next-auth.session-token.${i}=${p}; Path=/; HttpOnly`) });
    res.end('ok');
  },
  resetAfterPiece: (k, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4096' });
    res.write(`token=${k.slice(0, 19)}`);
    setTimeout(() => res.socket?.destroy(), 50);
  },
  stallAfterPiece: (k, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(`token=${k.slice(0, 19)}`);
  },
  cutGzip: (k, res) => {
    const z = gzipSync(Buffer.from(`token=${k}\n${'x'.repeat(4000)}`));
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    res.end(z.subarray(0, z.length - 20));
  },
  trailer: (k, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-token' });
    res.write('hello');
    res.addTrailers({ 'x-token': k });
    res.end();
  },
  earlyHints: (k, res) => {
    res.writeEarlyHints({ link: `</app.css?token=${k}>; rel=preload; as=style` });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    }, 20);
  },
};

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const answer = ANSWERS[new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? ''];
    if (!answer) return res.writeHead(404).end();
    answer(String(req.headers['x-api-key'] ?? ''), res);
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const call = async (kind: string) => {
  const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
  return s.call('http_request', { method: 'GET', url: `${up.url}/a`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' }, timeoutMs: 1500 });
};

describe('redteam3: a value cut into cookies that number their payload', () => {
  it.fails('chunked session cookies (name.0, name.1, …), each below a window, are not readable by joining them in order', async () => {
    const r = await call('chunkedCookies');
    const cookies = String((r.structuredContent as { headers?: Record<string, string> }).headers?.['set-cookie'] ?? '');
    const joined = [...cookies.matchAll(/session-token\.(\d+)=([^;]*)/g)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2]).join('');
    expect(survivingWindow(visible(r), KEY) === null).toBe(true);
    // Today: the Set-Cookie values are shown joined by ", " and the chunks read back the whole key.
    expect(survivingWindow(joined, KEY) === null).toBe(true);
  });
});

describe('redteam3 (stopped): error paths show no bytes of the body', () => {
  for (const [kind, code] of [
    ['resetAfterPiece', 'UPSTREAM_ERROR'],
    ['stallAfterPiece', 'TIMEOUT'],
    ['cutGzip', 'UPSTREAM_ERROR'],
  ] as const) {
    it(`${kind}: the call fails with ${code} and nothing of what arrived`, async () => {
      const r = await call(kind);
      expect(r.isError).toBe(true);
      expect(visible(r)).toContain(code);
      expect(visible(r)).not.toContain('token=');
      expect(survivingWindow(visible(r), KEY) === null).toBe(true);
    });
  }

  it('HTTP trailers and 103 Early Hints are never shown', async () => {
    for (const kind of ['trailer', 'earlyHints']) {
      const r = await call(kind);
      expect(r.isError).toBeFalsy();
      expect(survivingWindow(visible(r), KEY) === null).toBe(true);
      expect(visible(r)).not.toMatch(/app\.css|token=/);
    }
  });
});
