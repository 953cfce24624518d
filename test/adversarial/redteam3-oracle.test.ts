// Third red team of issue 18, family 2 (the wall as an oracle), through refusals raised before the
// request leaves. The input tripwire ignores hits of a value read backwards (answer-judge.ts
// screenInput: `!h.backwards`; a backwards guess is meant to be judged when an upstream turns it
// around), and AnswerJudge.failure judges pieces in an error message only once the request was
// sent. But a refusal raised before sending quotes agent text — the origin in HOST_NOT_ALLOWED, a
// query parameter's name in PLACEMENT_NOT_ALLOWED — and scrubError (redact/response.ts) replaces
// the whole message when that text holds any hit, backwards ones included. So a right guess at a
// value never placed, written backwards, gets "the message is not shown because it held secret
// material"; a wrong guess gets the message. No tripwire, no allowance, no suspension: an
// unbounded membership oracle (each call confirms or refutes one 12-character window; reading a
// value whole, one character at a time, needs a starting hint of 11 secret-bearing characters, W − 1,
// e.g. a masked display or an upstream's slice below a window, as in redteam2-errors.test.ts).
// The same happens forwards when the message quotes a *rewritten* form of the input the tripwire
// never saw: WHATWG URL parsing turns a Unicode host into
// Punycode, which moves every ASCII character of the label to the front, in order, so a guess
// interleaved with "é" (no window in the input) is a plain forward window in the quoted origin.
// A second channel of the same cause: every log line is redacted (broker.ts addLogScrubber) and a
// client that asks (`logging/setLevel`) gets its own principal's lines as MCP notifications; the
// "request refused" line carries the agent's origin, so even a refusal whose message quotes nothing
// of the agent (PLACEMENT_NOT_ALLOWED for a header) shows `[REDACTED:OTHER]` in the notification for
// a right guess only — naming the secret the guess belongs to. And not only refusals: the debug line
// "request sent" carries the first hop's path; a path segment with a zero-width space between its
// characters passes pathForTrail's token check (each character is a word of its own), the redactor
// reads through it, and when the upstream redirects (so the final URL shown, which is judged, holds
// none of it) a request that carries no secret at all is an oracle, with nothing refused.
// These log channels need an MCP client that sends logging/setLevel and hands the notifications
// to the agent: an agent running its own client (a team-server token holder with a shell, the
// library door), or a client that shows server logs to its model; not a tool call alone.
// Closed by mechanism: a refusal raised before sending that holds secret material trips the wire
// like an input (AnswerJudge.failure), and a log notification carries no field of text the agent
// chose (src/mcp/server.ts forAgent). Each test failed before those two changes.
import { createServer, type Server } from 'node:http';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import type { StdioSession } from '../helpers/mcp.js';
import { readBack, type Verdict } from '../helpers/adversarial.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'rt3-orc-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
// A value the agent never places (bound to another origin): lowercase base36, 28 characters.
const OTHER = 'k7q2m9x4b8w1n6z3p5r0t2y8v4c6';
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const rev = (s: string) => [...s].reverse().join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    // `/r/…` redirects (a trailing-slash or login redirect): the final URL shown holds none of the first path.
    if (req.url?.startsWith('/r/')) return void res.writeHead(302, { location: '/done' }).end();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

const fresh = () => servedHome(homes, [['KEY', KEY, '--host', up.url], ['OTHER', OTHER, '--host', 'https://billing.example.com']]);

type Ask = (s: StdioSession, guess: string) => ReturnType<StdioSession['call']>;
/** The guess backwards as the host of a URL KEY is not bound to: HOST_NOT_ALLOWED quotes the origin. */
const inHost: Ask = (s, guess) => s.call('http_request', { method: 'GET', url: `https://${rev(guess)}.example.net/`, headers: { 'x-api-key': '<secrets.KEY>' } });
/** The guess backwards as a query parameter's name; KEY may go in headers only, so PLACEMENT_NOT_ALLOWED quotes the name. */
const inQueryName: Ask = (s, guess) => s.call('http_request', { method: 'GET', url: `${up.url}/x`, query: { [rev(guess)]: '<secrets.KEY>' } });
/** The guess forwards, "é" after each character (no window in the input); the quoted origin is its Punycode. */
const inUnicodeHost: Ask = (s, guess) => s.call('http_request', { method: 'GET', url: `https://${[...guess].map((c) => `${c}\u00e9`).join('')}.example.net/`, headers: { 'x-api-key': '<secrets.KEY>' } });

const text = (r: Awaited<ReturnType<Ask>>) => JSON.stringify(r.content);
const tripped = (r: Awaited<ReturnType<Ask>>) => /suspend|tripwire/i.test(text(r));
const hidden = (r: Awaited<ReturnType<Ask>>) => /held secret material/.test(text(r));
const verdictOf = (r: Awaited<ReturnType<Ask>>): Verdict => (tripped(r) ? 'tripped' : hidden(r) ? 'hit' : 'miss');

describe('redteam3: a guess in a refusal raised before the request leaves', () => {
  for (const [label, ask] of [
    ['backwards, in the URL host (HOST_NOT_ALLOWED)', inHost],
    ['backwards, in a query parameter name (PLACEMENT_NOT_ALLOWED)', inQueryName],
    ['forwards, interleaved with é in a Unicode host (Punycode in HOST_NOT_ALLOWED)', inUnicodeHost],
  ] as const) {
    it(`${label}: a right guess and a wrong guess give the same view (or trip the wire)`, async () => {
      const s = await fresh();
      const wrong = await ask(s, `${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
      const right = await ask(s, OTHER.slice(0, 12));
      expect(wrong.isError).toBe(true);
      if (!tripped(right)) expect(hidden(right)).toBe(hidden(wrong));
    });
  }

  it('a value never placed is not read back from an 11-character hint: its first right guess trips the wire (query parameter name)', async () => {
    const s = await fresh();
    const { known, calls } = await readBack(OTHER.slice(0, 11), OTHER.length, ALPHABET, async (guess) => verdictOf(await inQueryName(s, guess)));
    // Before the fix: the whole value, in about 17 × 18 calls, the principal never suspended.
    const ok = await s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': '<secrets.KEY>' } });
    expect(calls).toBeGreaterThan(0);
    expect(known === OTHER && !ok.isError).toBe(false);
  }, 120_000);
});

describe('redteam3: a guess in the MCP log notification of a refusal', () => {
  it('the notification of a refusal whose message quotes nothing is the same for a right and a wrong guess', async () => {
    // KEY may go in the query only: a header use is refused before the host is looked at, with a fixed message.
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url, '--placement', 'query'], ['OTHER', OTHER, '--host', 'https://billing.example.com']]);
    const notes: string[] = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      notes.push(JSON.stringify(n.params.data));
    });
    await s.client.setLoggingLevel('warning');
    const ask = async (guess: string) => {
      notes.length = 0;
      const r = await s.call('http_request', { method: 'GET', url: `https://${rev(guess)}.example.net/`, headers: { 'x-api-key': '<secrets.KEY>' } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { result: text(r), notes: notes.join('\n').replace(/"time":\d+/g, '').replace(/https:\/\/[^"]*\.example\.net/g, (o) => (o.includes('[REDACTED') ? 'MARKED' : 'PLAIN')) };
    };
    const wrong = await ask(`${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await ask(OTHER.slice(0, 12));
    // The tool results are the same (no tripwire either); the notifications are not.
    expect(right.result).toBe(wrong.result);
    expect(tripped({ content: [{ type: 'text', text: right.result }] } as never)).toBe(false);
    expect(right.notes).toBe(wrong.notes);
  });
});

describe('redteam3: the same oracle reaches another environment\'s value', () => {
  it('the production value of the secret the agent uses in development is not read back: its first right guess trips the wire', async () => {
    // The agent runs in development (the default); KEY's production value is never resolved for it.
    const PROD = 'w3n8c1v6x2z9b4m7q5k0t8y2r6p3';
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url], ['KEY', PROD, '--host', up.url, '--env', 'production']]);
    const { known } = await readBack(PROD.slice(0, 11), PROD.length, ALPHABET, async (guess) => verdictOf(await inQueryName(s, guess)));
    const ok = await s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': '<secrets.KEY>' } });
    expect(known === PROD && !ok.isError).toBe(false);
  }, 120_000);
});

describe('redteam3: a guess in the debug notification of a request that was sent', () => {
  it('a sent request with no secret, its path redirected away: the "request sent" notification is the same for a right and a wrong guess', async () => {
    const s = await fresh();
    const notes: string[] = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      notes.push(JSON.stringify(n.params.data));
    });
    await s.client.setLoggingLevel('debug');
    const segment = (guess: string) => [...rev(guess)].map(encodeURIComponent).join('%E2%80%8B');
    const ask = async (guess: string) => {
      notes.length = 0;
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/r/${segment(guess)}` });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = notes.filter((n) => n.includes('request sent')).join('\n');
      return { result: JSON.stringify(r.structuredContent ?? r.content).replace(/"durationMs":[\d.]+/g, '').replace(/"date":"[^"]*"/g, ''), marked: /REDACTED/.test(sent), sent: sent.length > 0 };
    };
    const wrong = await ask(`${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await ask(OTHER.slice(0, 12));
    expect(wrong.sent).toBe(true);
    // The results are the same (the request went out, the upstream redirected, nothing tripped)…
    expect(right.result).toBe(wrong.result);
    // …and the notifications are not: "/r/[REDACTED:OTHER]" for the right guess only.
    expect(right.marked).toBe(wrong.marked);
  });
});
