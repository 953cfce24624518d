// Sixth red team of issue 18, family 4 (spellings of kinds not decoded), new members only (earlier
// red teams' are in redteam-spellings, redteam2-spellings and redteam3-spellings; redteam3's LEAKS are
// known and not repeated here). A careless upstream on 127.0.0.1 gets the real key in a header and
// writes it back in a layout a real stack prints (test/helpers/redteam6-layouts.ts names each
// stack); the test asserts the promise: no window of the key in what the agent is shown, and the
// layout's own reader applied to the shown body gives no window back either. A fresh home per case
// (a withheld answer spends an allowance). Two keys: a plain one, and one behind a vendor prefix.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';
import { LAYOUTS } from '../helpers/redteam6-layouts.js';

const KEYS = ['rt6-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5', 'sk_live_rt6Hq4Zt8Wc2Np7Lx5Vb3Jm9'];

/**
 * Layouts that reach the agent today: their tests assert the promise and FAIL (each was run and
 * seen to fail on the reader assertion: the shown body held the layout untouched, `redacted: []`).
 * Every other layout of LAYOUTS was redacted or withheld, and its test passes (kept as a guard).
 */
const LEAKING = new Set<string>([
  // Family 4, byte lists: PHP's var_dump of unpack('C*') — index line, then `int(115)` on the next.
  'PHP var_dump(unpack("C*", $key))',
  // Family 4, values split across JSON items: OpenAI chat completions with `logprobs: true` — one
  // token of 1–4 characters per object (beside its logprob and its `bytes`), never adjacent items.
  'OpenAI logprobs (a token of 3 characters per object, with its bytes)',
  // Family 4, compatibility forms: "fancy text" generators (social bios, Slack/Discord bots, CMS
  // headings). NFKC gives "(q)" for ⒬; small capitals, negative squared and regional indicator
  // letters have no decomposition at all.
  'parenthesized letters (⒬⒵⑺…: NFKC gives "(q)")',
  'small capitals (ǫᴢ…: no decomposition)',
  'negative squared capitals (🅰…: no decomposition)',
  'regional indicator letters (🇶🇿…)',
  // Family 4, confusables beyond Cyrillic/Greek: Cherokee capitals (confusables.txt maps them to Latin).
  'Cherokee capitals drawn like Latin ones',
  // Family 4, invisible characters between letters: U+2800 (braille blank, an "invisible" filler
  // that is neither Cf nor White_Space, used by chat bots to defeat filters).
  'braille blank (U+2800) between characters',
  // Family 4, grouped text: separators other than blanks/dashes/dots (Apple's generated passwords
  // use dashes; key displays and license-key formatters use " • " and "/").
  'groups of 4 split by a bullet (•)',
  'groups of 4 split by slashes',
  // Family 4, an alphabet of words: password managers' "read aloud"/phonetic views (NATO spelling).
  'NATO phonetic spelling (password read-aloud view)',
  // Family 4, zlib inside hex: PostgreSQL's default bytea output (`bytea_output = hex`) of a
  // compressed column, `\x789c…`: the `\x78` is read as an escape, the hex run loses its zlib
  // magic, and nothing inflates it (the same bytes without `\x`, or as X'789C…', are redacted).
  'zlib in hex (a bytea of a compressed column)',
]);

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const kind = new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? '';
    const layout = LAYOUTS[kind];
    if (!layout) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': layout.type ?? 'text/plain; charset=utf-8' });
    res.end(layout.write(String(req.headers['x-api-key'] ?? '')));
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, KEYS);
  await up.close();
});

async function shownFor(key: string, kind: string): Promise<{ all: string; body: string; withheld: boolean }> {
  // A fresh home per case, closed (and its stderr checked) as soon as the call is answered.
  const mine: typeof homes = [];
  const s = await servedHome(mine, [['KEY', key, '--host', up.url]]);
  const r = await s.call('http_request', { method: 'GET', url: `${up.url}/echo`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
  await closeHomes(mine, KEYS);
  const sc = (r.structuredContent ?? {}) as { body?: string; json?: unknown; withheld?: boolean };
  return { all: visible(r), body: sc.body ?? (sc.json !== undefined ? JSON.stringify(sc.json) : ''), withheld: sc.withheld === true };
}

describe('redteam6: layouts of kinds (the key must not come back to the agent)', () => {
  for (const [kind, { write, read }] of Object.entries(LAYOUTS)) {
    for (const key of KEYS) {
      it(`${LEAKING.has(kind) ? 'LEAKS: ' : 'held: '}${kind} [${key.startsWith('sk_') ? 'vendor prefix' : 'plain'}]`, async () => {
        // The layout is what its reader says (a boolean: no value in a failure message).
        // (Case folded: the redactor ignores case, and look-alike readers give one case back.)
        const written = Buffer.from(write(key)).toString(LAYOUTS[kind]!.type?.includes('8859') ? 'latin1' : 'utf8');
        expect(read(written).toLowerCase().includes(key.toLowerCase())).toBe(true);
        const { all, body } = await shownFor(key, kind);
        let readBack = '';
        try {
          readBack = read(body);
        } catch {
          // Withheld or redacted: nothing to read back.
        }
        expect(survivingWindow(all, key) === null, 'a window of the key is in what the agent is shown').toBe(true);
        expect(survivingWindow(readBack, key) === null, "the layout's reader gives the key back from the shown body").toBe(true);
      });
    }
  }
});
