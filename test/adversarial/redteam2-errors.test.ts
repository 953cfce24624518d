// Second red team of issue 18, family 2 through the error path. An upstream error names the origin
// of the hop it happened on (src/egress/client.ts translateError: `the request to ORIGIN failed:
// CODE`), and a redirect's origin is the upstream's to choose. src/redact/response.ts scrubError
// replaces a message holding secret material with a fixed one, but trips no wire and spends no
// allowance: a guess the upstream joins into a redirect host is confirmed by which message comes
// back, as often as the agent likes, for a value never placed. Closed: a piece in the error of a call that left is judged (broker → AnswerJudge.failure).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

// Bound to the careless upstream (so the admin allowed its loopback origin), never placed below.
const KEY = 'rt2-err-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
// A value bound elsewhere, never placed: lowercase hex, a valid host label.
const OTHER = 'f3a7c1e5b2d8f4a6c0e9b3d7f1a2';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/go?a=…&b=…` sends the caller on to `http://<a><b>.invalid/` (a tenant subdomain built from two fields). */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const tenant = `${url.searchParams.get('a') ?? ''}${url.searchParams.get('b') ?? ''}`;
    res.writeHead(302, { location: `http://${tenant}.invalid/welcome` }).end();
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

/** The guess split over two fields: no window in the agent's input. */
const ask = (s: StdioSession, guess: string) => s.call('http_request', { method: 'GET', url: `${up.url}/go`, query: { a: guess.slice(0, 6), b: guess.slice(6) } });
const message = (r: Awaited<ReturnType<typeof ask>>) => JSON.stringify(r.content).replace(/[0-9a-f]{12}\.invalid/g, 'GUESS.invalid');

describe('redteam2: a guess in an error message', () => {
  it('a right guess at a value never placed gives the same error as a wrong one (or trips the wire)', async () => {
    const s = await fresh();
    const wrong = await ask(s, `${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await ask(s, OTHER.slice(0, 12));
    expect(wrong.isError).toBe(true);
    const tripped = /suspend|tripwire/i.test(JSON.stringify(right.content));
    if (!tripped) expect(message(right)).toBe(message(wrong));
  });

  it('a value never placed is read back whole from an 11-character hint, never suspended', async () => {
    const s = await fresh();
    let known = OTHER.slice(0, 11);
    for (let at = 11; at < OTHER.length; at++) {
      let found = '';
      for (const c of '0123456789abcdef') {
        const r = await ask(s, known.slice(-11) + c);
        if (/suspend/i.test(JSON.stringify(r.content))) break;
        if (/held secret material/.test(JSON.stringify(r.content))) {
          found = c;
          break;
        }
      }
      if (!found) break;
      known += found;
    }
    expect(known.length).toBeLessThan(12);
  }, 120_000);
});
