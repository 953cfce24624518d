// Sixth red team of issue 18, family 4 (spellings of kinds not decoded), new members only (earlier
// red teams' are in redteam-spellings, redteam2-spellings and redteam3-spellings; redteam3's LEAKS are
// known and not repeated here). A careless upstream on 127.0.0.1 gets the real key in a header and
// writes it back in a layout a real stack prints (test/helpers/redteam6-layouts.ts names each
// stack); the test asserts the promise: no window of the key in what the agent is shown, and the
// layout's own reader applied to the shown body gives no window back either. A fresh home after
// each withheld answer (it may spend an allowance). Two keys: a plain one, and one behind a vendor prefix.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visible } from '../helpers/mcp.js';
import { listenOn, servedUntilWithheld } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';
import { LAYOUTS } from '../helpers/redteam6-layouts.js';

const KEYS = ['rt6-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5', 'sk_live_rt6Hq4Zt8Wc2Np7Lx5Vb3Jm9'];

/**
 * Layouts that reach the agent: their tests are `it.fails` (the promise asserted, known to fail),
 * each listed in README "Not promised". The eleven other layouts this red team found leaking
 * (var_dump, letters in parentheses, small capitals, negative squared and regional indicator
 * letters, Cherokee look-alikes, the braille blank, groups split by bullets or slashes, NATO
 * spelling, zlib in `\x` hex) were closed by mechanism (./src/redact/views: tagged, fold, join,
 * phonetic, inflate) and are plain tests now, like every layout that held.
 */
const LEAKING = new Set<string>([
  // Values split across JSON items below a window: OpenAI chat completions with `logprobs: true` —
  // one token of 1–4 characters per object (beside its logprob and its `bytes`). The upstream slices
  // the value by its own tokenizer; nothing shorter than a window is matched (issue 18 item 3).
  'OpenAI logprobs (a token of 3 characters per object, with its bytes)',
]);

let up: { url: string; close(): Promise<void> };
/** One home and server per key, retired after each withheld answer. */
let served: Map<string, ReturnType<typeof servedUntilWithheld>>;

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const kind = new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? '';
    const layout = LAYOUTS[kind];
    if (!layout) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': layout.type ?? 'text/plain; charset=utf-8' });
    res.end(layout.write(String(req.headers['x-api-key'] ?? '')));
  });
  up = await listenOn(server);
  served = new Map(KEYS.map((key) => [key, servedUntilWithheld([['KEY', key, '--host', up.url]], KEYS)]));
});

afterAll(async () => {
  for (const home of served.values()) await home.close();
  await up.close();
});


async function shownFor(key: string, kind: string): Promise<{ all: string; body: string; withheld: boolean }> {
  const r = await served.get(key)!.call('http_request', { method: 'GET', url: `${up.url}/echo`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
  const sc = (r.structuredContent ?? {}) as { body?: string; json?: unknown; withheld?: boolean };
  return { all: visible(r), body: sc.body ?? (sc.json !== undefined ? JSON.stringify(sc.json) : ''), withheld: sc.withheld === true };
}

describe('redteam6: layouts of kinds (the key must not come back to the agent)', () => {
  for (const [kind, { write, read }] of Object.entries(LAYOUTS)) {
    for (const key of KEYS) {
      (LEAKING.has(kind) ? it.fails : it)(`${LEAKING.has(kind) ? 'LEAKS: ' : 'held: '}${kind} [${key.startsWith('sk_') ? 'vendor prefix' : 'plain'}]`, async () => {
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
