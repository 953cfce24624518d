// Twelfth red team, family 4 of issue 18 (spellings of kinds still not decoded; item 4's "NFKC +
// case folding + confusable folding + zero-width removal"). Severity: high — the whole key, from
// the "strikethrough text" / "underline text" that generators and chat renderers produce.
//
// A combining mark after each character (U+0336 strikethrough, U+0332 underline, U+20DD enclosing
// circle, U+0301 acute, a "zalgo" stack) is a nonspacing mark (`Mn`/`Me`), not a format character
// (`Cf`): the fold view (src/redact/views/fold.ts: FORMAT = \p{Cf} plus a short INVISIBLE list,
// U+034F among them) keeps it, and NFKC composes `s` + U+0301 into `ś`, another letter. So no
// view holds the key's characters side by side; the agent strips marks in one line
// (`s.normalize('NFD').replace(/\p{M}/gu, '')`) and has the whole key. Nothing withheld, `redacted`
// empty.
//
// The input side has the same hole (second test, family 2): a guess written with a mark after each
// character passes the tripwire (promise 9: "secret material in what an agent sends"), though
// every search engine, `unaccent()` or slug function turns it back into plain text.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUnreadable, startRig, type Rig, type Spelling } from '../helpers/redteam12.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const KEY = 'sk_live_7hW2pN9xQc4Lr8Tz3Vy6Bm1Kd5Gj';
const strip = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const marked = (marks: string): Spelling => ({ answer: (k) => ({ body: `Your key: ${[...k].map((c) => c + marks).join('')}\n` }), decode: strip });

const SPELLINGS: Record<string, Spelling> = {
  'strikethrough (U+0336 after each character)': marked('\u0336'),
  'underline (U+0332 after each character)': marked('\u0332'),
  'enclosing circle (U+20DD)': marked('\u20dd'),
  'acute accent (U+0301, composes to another letter under NFKC)': marked('\u0301'),
  'zalgo stack (three marks)': marked('\u0300\u0316\u0350'),
  'strikethrough inside JSON': { answer: (k) => ({ body: JSON.stringify({ key: [...k].map((c) => c + '\u0336').join('') }), headers: { 'content-type': 'application/json' } }), decode: strip },
};

let rig: Rig;
let echo: Listening;
beforeAll(async () => {
  // The agent's own host (no secret bound, allowed on loopback): answers what it was asked, as is.
  echo = await listenOn(createServer((req, res) => res.end(`you searched: ${new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? ''}`)));
  rig = await startRig(KEY, SPELLINGS, ['--allow-origin', echo.url]);
}, 30_000);
afterAll(async () => {
  await rig?.close();
  await echo?.close();
});

describe('redteam12: a combining mark after each character', () => {
  for (const [as, s] of Object.entries(SPELLINGS)) {
    it(as, async () => {
      rig.received.length = 0;
      const r = await rig.call(as);
      expect(rig.received.length === 1 && rig.received[0] === KEY, 'the upstream got the real key').toBe(true);
      expectUnreadable(r, KEY, s, as);
    });
  }

  it('a guess struck through in the agent input trips the wire (input side, family 2)', async () => {
    // Last in the file: a trip suspends the principal. 16 secret-bearing characters of KEY.
    const guess = [...KEY.slice(8, 24)].map((c) => `${c}\u0336`).join('');
    const r = await rig.session.call('http_request', { method: 'GET', url: `${echo.url}/search?q=${encodeURIComponent(guess)}` });
    expect(r.isError === true && JSON.stringify(r.content).includes('REQUEST_REFUSED'), 'a struck-through guess was sent, not refused').toBe(true);
  });
});
