// Red team of issue 18, family 6 (cost and availability). `it.fails` marks attacks that work today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { listenOn } from '../helpers/upstream.js';

const KEY = 'rt-cost-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';

let up: { url: string; bodies: number[]; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/**
 * A CDN-like upstream: it answers in the first coding the client accepts (zstd, as Cloudflare does
 * for `Accept-Encoding: zstd`); the bytes are not real zstd, which does not matter to a client
 * that cannot decode zstd. `/sink` counts what it was sent.
 */
async function startUpstream(): Promise<typeof up> {
  const bodies: number[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/sink') {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => {
        bodies.push(n);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
      return;
    }
    const accept = String(req.headers['accept-encoding'] ?? '');
    if (/zstd/.test(accept)) {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'zstd' });
      return res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
  });
  return { ...(await listenOn(server)), bodies, };
}

async function fresh(): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  const s = await connectStdio(t.env);
  homes.push({ t, s });
  return s;
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  for (const { t, s } of homes) {
    await s.close().catch(() => {});
    expect(survivingWindow(s.stderr(), KEY)).toBeNull();
    t.cleanup();
  }
  await up.close();
});

describe('redteam: availability', () => {
  // Mechanism: src/egress/client.ts send() calls res.body.destroy() when decode() refuses a coding;
  // undici's body stream then emits an AbortError nobody listens to, and the process exits. One
  // agent header kills the server for every agent on it.
  it('an answer in a coding Blindfold cannot decode is refused, and the server keeps serving', async () => {
    const s = await fresh();
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/page`, headers: { 'Accept-Encoding': 'zstd' } });
    expect(visible(r)).toContain('UPSTREAM_ERROR');
    await new Promise((done) => setTimeout(done, 500));
    const after = await s.call('http_request', { method: 'GET', url: `${up.url}/page` });
    expect(after.isError).toBeFalsy();
  });

  // Issue 18 item 6: arguments are capped as raw bytes in the transport (default 1 MiB) and refused
  // before they are parsed or scanned. Today an 8 MB body is parsed, scanned whole by the tripwire
  // and sent.
  it('an 8 MB body is refused, nothing sent', async () => {
    const s = await fresh();
    const before = up.bodies.length;
    // Refused by the transport before it is parsed: a JSON-RPC error, not a tool result.
    await expect(s.call('http_request', { method: 'POST', url: `${up.url}/sink`, body: 'a1b2c3d4e5f6g7h8 '.repeat(8 * 1024 * 1024 / 17) })).rejects.toThrow(/refused unread/);
    expect(up.bodies.length).toBe(before);
  }, 120_000);
});
