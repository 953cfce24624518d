// Ninth red team, the response wall (http_request, here through the library door openBlindfold).
// SPEC §1.4: "Text is cut into units ... each with its own decoding budget; units bound cost, never
// matching (windows and joining views run across unit boundaries)". The zero-width view (format
// characters removed) is found within a 16 KiB decoding piece, but a value whose characters are
// spread so that no piece holds 12 of them is found nowhere: with ~2,000 zero-width spaces between
// characters (a few KB per character) the scan finishes, reports nothing unscanned, and the agent
// gets the value back (drop U+200B and it reads plainly). The same spacing at 500 is caught, so the
// view exists: it is the piece boundary that bounds matching.
//
// Who can do this: an upstream that holds a value (another principal's key in a shared store, a
// value the agent's own guess was echoed as) and pads it. Low on its own (a hostile upstream that
// holds a value can also ROT13 it, which is out of scope), but it is a spelling the README lists as
// decoded, and nothing is withheld (the scan "finished").
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = `rt9-key-${randomBytes(12).toString('base64url')}`;
// Never placed by the agent: bound elsewhere, so any window of it coming back is a leak.
const OTHER = `rt9-other-${randomBytes(12).toString('base64url')}`;
let t: TempHome;
let up: Listening;
let gap = 0;
let bf: Blindfold;

beforeAll(async () => {
  up = await listenOn(
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`note: ${[...OTHER].join('\u200b'.repeat(gap))}\n`);
    }),
  );
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
  bf = await openBlindfold({ home: t.home, principal: 'rt9-gaps' });
}, 30_000);

afterAll(async () => {
  await bf?.close();
  await up?.close();
  t?.cleanup();
});

async function fetchWithGap(n: number): Promise<string> {
  gap = n;
  const r = await bf.httpRequest({ method: 'GET', url: `${up.url}/x`, headers: { authorization: 'Bearer <secrets.KEY>' }, maxBytes: 1_000_000 });
  return (r.body ?? JSON.stringify(r.json ?? '')).replace(/\u200b/g, '');
}

describe('redteam9: a value spread wider than a decoding piece', () => {
  it('control: 500 zero-width spaces between characters is caught', async () => {
    expect(survivingWindow(await fetchWithGap(500), OTHER) === null, 'a window of OTHER came back').toBe(true);
  });

  it('2,000 zero-width spaces between characters is caught too (or withheld)', async () => {
    // Before the fix (a piece reaching back for a thin window, src/redact/scan.ts): the body read
    // OTHER once U+200B was dropped, and nothing was withheld.
    expect(survivingWindow(await fetchWithGap(2000), OTHER) === null, 'a window of OTHER came back').toBe(true);
  });
});
