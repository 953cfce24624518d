// Second red team of issue 18, family 2 (the wall as an oracle), through a compressed layer. An
// inflated unit maps to the whole compressed run (src/redact/views/inflate.ts emitInflated), so
// every hit found inside a zlib/gzip blob has the same original range. A placed value echoed whole
// in that blob makes the whole run a "whole occurrence", and src/redact/wall.ts `explained` then
// counts any other hit inside that range as an echo, not a guess, whatever its name: a right guess
// at a value never placed is shown as one more `[REDACTED:OTHER]` marker (and in `redacted`),
// with no tripwire, no allowance, no withholding. A wrong guess shows no such marker.
// Closed: `explained` counts only hits of the same value; these are plain tests now.
import { createServer, type Server } from 'node:http';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

// The key the agent may place (bound to the careless upstream).
const KEY = 'rt2-orc-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
// A value the agent never places (bound to another origin). Lowercase hex, so the oracle reads it
// back exactly; its first 11 characters are what a masked hint (below a window) would show.
const OTHER = 'f3a7c1e5b2d8f4a6c0e9b3d7f1a2';
const HINT = OTHER.slice(0, 11);
const ALPHABET = '0123456789abcdef';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/**
 * A careless app on Flask: `/login` puts the key it got and the caller's first and last name
 * (joined, as a display name) into an itsdangerous-style compressed session cookie, and shows it
 * in the JSON body (a debug page). `.` + base64url(zlib(json)) + `.` timestamp `.` signature.
 */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    const name = `${url.searchParams.get('first') ?? ''}${url.searchParams.get('last') ?? ''}`;
    const payload = deflateSync(Buffer.from(JSON.stringify({ api_key: key, display_name: name }))).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ session: `.${payload}.Zk9xYw.c2lnbmF0dXJlLW9mLXRoZS1jb29raWU` }));
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

async function fresh(): Promise<StdioSession> {
  const s = await servedHome(homes, [['KEY', KEY, '--host', up.url], ['OTHER', OTHER, '--host', 'https://billing.example.com']]);
  return s;
}

/** One guess: the 12 characters split over two fields (no window in the agent's input), joined by the app. */
const ask = (s: StdioSession, guess: string) =>
  s.call('http_request', { method: 'GET', url: `${up.url}/login`, query: { first: guess.slice(0, 11), last: guess.slice(11) }, headers: { 'x-api-key': '<secrets.KEY>' } });

/** What the agent sees, less what differs on every call anyway (its own URL, the time). */
function seen(r: Awaited<ReturnType<typeof ask>>): string {
  const { url: _url, durationMs: _ms, headers, ...rest } = (r.structuredContent ?? {}) as Record<string, unknown> & { headers?: Record<string, string> };
  const { date: _date, ...kept } = headers ?? {};
  return JSON.stringify({ isError: r.isError ?? false, content: r.isError ? r.content : undefined, ...rest, headers: kept });
}

describe('redteam2: a guess inside a compressed blob beside a whole placed value', () => {
  it('a right guess at a value never placed gives the same view as a wrong one (or trips the wire)', async () => {
    const s = await fresh();
    const wrong = await ask(s, `${HINT}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await ask(s, OTHER.slice(0, 12));
    // Either the right guess tripped the wire (refused, suspended), or it looks like the wrong one.
    const tripped = right.isError === true && /suspend|tripwire|secret material/i.test(JSON.stringify(right.content));
    if (!tripped) expect(seen(right)).toBe(seen(wrong));
  });

  it('a value never placed is read back whole from an 11-character hint, never suspended', async () => {
    const s = await fresh();
    let known = HINT;
    for (let at = 11; at < OTHER.length; at++) {
      let found = '';
      for (const c of ALPHABET) {
        const r = await ask(s, known.slice(-11) + c);
        if (r.isError) break; // suspended: the attack is stopped
        if (JSON.stringify(r.structuredContent).includes('[REDACTED:OTHER]')) {
          found = c;
          break;
        }
      }
      if (!found) break;
      known += found;
    }
    // The promise: the agent does not learn the value (nor any window past the hint).
    expect(known.length).toBeLessThan(12);
    expect(known).not.toBe(OTHER);
  }, 120_000);
});
