// Sixth red team of issue 18, family 2 (the wall as a membership oracle), differentially: the same
// call with a right guess and a wrong guess must give the agent the same view, apart from the
// suspension (a right guess at a value not placed trips the wire) and the bounded partial-hit
// exception (a withheld body). The agent never writes a window of the value: it sends a guess in
// two query fields (11 + 1 characters) or transformed, and a careless upstream on 127.0.0.1 turns
// it back into plain text the way real stacks do (joining fields, SQL REPLACE/REVERSE/LOWER, HTML
// tag stripping, Unicode normalisation, `%u` unescaping), then writes it in some part of its
// answer: the body, a header value, a header *name*, the status text, a cookie, the redirect
// target the final URL shows, a JSON object key.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import type { StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

// The key the agent may place (bound to the careless upstream).
const KEY = 'rt6-orc-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
// A value the agent never places (bound to another origin): lowercase base36, so every place an
// upstream can write it (a header name is lowercased) keeps it as it is.
const OTHER = 'rt6k7q2m9x4b8w1n6z3p5r0t2y8v4c6';
const secretStart = 0;
const RIGHT = OTHER.slice(secretStart, secretStart + 12);
const WRONG = `${RIGHT.slice(0, 11)}${RIGHT[11] === '0' ? '1' : '0'}`;

/** How the upstream turns what the agent sent back into text. */
const UNDO: Record<string, { send: (g: string) => Record<string, string>; undo: (q: URLSearchParams) => string }> = {
  'joins two fields (first + last name)': { send: (g) => ({ a: g.slice(0, 11), b: g.slice(11) }), undo: (q) => `${q.get('a')}${q.get('b')}` },
  "SQL REPLACE(x, '#', '') of a '#' after each character": { send: (g) => ({ a: [...g].join('#') }), undo: (q) => (q.get('a') ?? '').replace(/#/g, '') },
  'SQL REVERSE(x)': { send: (g) => ({ a: [...g].reverse().join('') }), undo: (q) => [...(q.get('a') ?? '')].reverse().join('') },
  'strips HTML tags (a <b></b> after each character)': { send: (g) => ({ a: [...g].join('<b></b>') }), undo: (q) => (q.get('a') ?? '').replace(/<[^>]*>/g, '') },
  'every second character of the field (a decimator)': { send: (g) => ({ a: [...g].map((c) => `${c}~`).join('') }), undo: (q) => [...(q.get('a') ?? '')].filter((_, i) => i % 2 === 0).join('') },
};

/** Where in its answer the upstream writes the text. */
type Place = 'body' | 'header value' | 'header name' | 'status text' | 'set-cookie' | 'redirect target' | 'JSON key';
const PLACES: Place[] = ['body', 'header value', 'header name', 'status text', 'set-cookie', 'redirect target', 'JSON key'];

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/landed/')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('landed');
    const text = UNDO[url.searchParams.get('op') ?? '']?.undo(url.searchParams) ?? '';
    const place = url.searchParams.get('place') as Place;
    const json = { 'content-type': 'application/json' };
    switch (place) {
      case 'body':
        return void res.writeHead(200, json).end(JSON.stringify({ greeting: `Hello ${text}` }));
      case 'header value':
        return void res.writeHead(200, { ...json, 'x-display-name': text }).end('{"ok":true}');
      case 'header name':
        return void res.writeHead(200, { ...json, [`x-pref-${text}`]: '1' }).end('{"ok":true}');
      case 'status text':
        return void res.writeHead(200, `OK ${text}`, json).end('{"ok":true}');
      case 'set-cookie':
        return void res.writeHead(200, { ...json, 'set-cookie': `display=${text}; Path=/` }).end('{"ok":true}');
      case 'redirect target':
        return void res.writeHead(302, { location: `/landed/${text}` }).end();
      case 'JSON key':
        return void res.writeHead(200, json).end(JSON.stringify({ [text]: true }));
    }
    res.writeHead(404).end();
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

type Result = Awaited<ReturnType<StdioSession['call']>>;
const ask = (s: StdioSession, op: string, place: Place, guess: string) =>
  s.call('http_request', { method: 'GET', url: `${up.url}/p`, query: { op, place, ...UNDO[op]!.send(guess) }, headers: { 'x-api-key': '<secrets.KEY>' } });

/** What the agent sees, less what differs on every call anyway (the time, the duration), with its own guess written as GUESS. */
function seen(r: Result, guess: string): string {
  const mask = (t: string) =>
    t
      .replaceAll(guess, 'GUESS')
      .replaceAll(encodeURIComponent(guess), 'GUESS')
      .replace(/"date":"[^"]*"/g, '')
      .replace(/[\d.]+ ?ms/g, 'MS')
      .replace(/"durationMs":[\d.]+/g, '');
  const encoded = (g: string) => [g, [...g].join('#'), [...g].reverse().join(''), [...g].join('<b></b>'), [...g].map((c) => `${c}~`).join('')];
  let out = JSON.stringify({ isError: r.isError ?? false, content: r.content, structured: r.structuredContent });
  for (const e of encoded(guess)) out = out.replaceAll(e, 'GUESS').replaceAll(encodeURIComponent(e), 'GUESS').replaceAll(encodeURIComponent(e).replace(/%20/g, '+'), 'GUESS');
  // The two fields of the join, each quoted on its own.
  out = out.replaceAll(`a=${encodeURIComponent(guess.slice(0, 11))}&b=${encodeURIComponent(guess.slice(11))}`, 'a=GUESS');
  return mask(out);
}
const tripped = (r: Result) => r.isError === true && /suspend|tripwire|PRINCIPAL_SUSPENDED/i.test(JSON.stringify(r.content));

describe('redteam6: a right and a wrong guess give the agent the same view (or the right one trips the wire)', () => {
  for (const op of Object.keys(UNDO)) {
    for (const place of PLACES) {
      it(`the upstream ${op}, and writes it in the ${place}`, async () => {
        const mine: typeof homes = [];
        const s = await servedHome(mine, [['KEY', KEY, '--host', up.url], ['OTHER', OTHER, '--host', 'https://billing.example.com']]);
        const wrong = await ask(s, op, place, WRONG);
        const right = await ask(s, op, place, RIGHT);
        await closeHomes(mine, [KEY, OTHER]);
        expect(wrong.isError ?? false).toBe(false);
        if (!tripped(right)) expect(seen(right, RIGHT)).toBe(seen(wrong, WRONG));
      });
    }
  }
});
