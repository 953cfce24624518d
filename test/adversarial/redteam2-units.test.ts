// Second red team of issue 18, family 1 (units): "every window runs across unit boundaries, with
// W − 1 characters of each neighbour as context". src/redact/response.ts joinedUnitPieces joins
// the status text, the header values and the body's start, but not the header names nor the final
// URL after redirects (src/broker.ts screens it on its own), so a value cut below a window at those
// boundaries is read back by joining what the agent sees. The final URL now sits just before the
// body in that join (closed). Header names each holding 8 characters, read back by a reader that
// strips their prefixes (closed: the payloads of numbered header names are joined in index order).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

// Lowercase: header names come back lowercased.
const KEY = 'rt2-unt-q7xv2lp9rt4mn8bc3hd6wy5';
const parts = (v: string, n: number) => v.match(new RegExp(`.{1,${n}}`, 'g'))!;

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

/**
 * `/names` echoes the key it got as header names, 8 characters each (`x-p0-…`); `/go` redirects to
 * `/land/<the key's first 11 characters>` and `/land/…` answers with the key's next 11 characters
 * (a careless "continue where you left off" flow): each unit holds less than a window.
 */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    if (url.pathname === '/names') {
      parts(key, 8).forEach((p, i) => res.setHeader(`x-p${i}-${p}`, '1'));
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    if (url.pathname === '/go') return res.writeHead(302, { location: `/land/${key.slice(0, 11)}` }).end();
    if (url.pathname.startsWith('/land/')) return res.writeHead(200, { 'content-type': 'text/plain' }).end(key.slice(11, 22));
    res.writeHead(404).end();
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
  s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const call = (path: string) => s.call('http_request', { method: 'GET', url: `${up.url}${path}`, headers: { 'x-api-key': '<secrets.KEY>' } });

describe('redteam2: a value cut across units the boundary join does not look at', () => {
  it('a key cut into response header names is not readable by joining them', async () => {
    const r = await call('/names');
    const names = Object.keys((r.structuredContent as { headers?: Record<string, string> }).headers ?? {});
    const joined = names.filter((n) => /^x-p\d+-/.test(n)).sort((a, b) => parseInt(a.slice(3)) - parseInt(b.slice(3))).map((n) => n.replace(/^x-p\d+-/, '')).join('');
    expect(survivingWindow(visible(r), KEY)).toBeNull();
    expect(survivingWindow(joined, KEY)).toBeNull();
  });

  it('a key cut between the final URL of a redirect and the body is not readable', async () => {
    const r = await call('/go');
    const shown = r.structuredContent as { url?: string; body?: string };
    const joined = `${decodeURIComponent(String(shown.url ?? '').split('/land/')[1] ?? '')}${shown.body ?? ''}`;
    expect(survivingWindow(joined, KEY)).toBeNull();
  });
});
