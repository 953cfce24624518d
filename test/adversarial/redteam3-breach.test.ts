// Third red team of issue 18, family 3 (functions of bytes nobody scanned): BREACH through
// `durationMs`. Blindfold inflates a gzip answer, scans it and shows it (the key's JSON string is
// withheld as a whole-value unit, the agent's own search text beside it is shown), and no size
// figure of the compressed bytes is given. But the result's `durationMs` (and the text summary's
// "N ms") is the exchange's wall time, and over a link of limited rate that is a linear function
// of the compressed size. A guess shorter than a window (11 secret-bearing characters: the
// tripwire never sees it) that matches the key compresses to ~8 bytes less (205 vs 213) than a wrong guess of
// the same length; at 10 ms a byte the right guess answers ~80 ms sooner (measured: 79–81 ms; two wrong guesses 3 bytes apart differ by 30 ms, i.e. the time is the compressed size to the byte). The test's upstream
// stands in for a slow link by sending its gzip bytes at a fixed rate (each byte at a set time
// from the start, so timer jitter does not add up). The existing BREACH tests
// (side-doors.test.ts) strip durationMs before comparing views. This shows the figure depends on
// the compressed size; a full read-out (two-tries BREACH, a character at a time, repeated samples)
// was not attempted here. `it.fails` marks what works today.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import type { StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'rt3-brc-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
const MS_PER_BYTE = 10;
const ROWS = Array.from({ length: 3 }, (_, i) => createHash('sha256').update(`row ${i}`).digest('base64')).join(',');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/search?q=` answers gzip(JSON holding the caller's key and its search text), one byte every MS_PER_BYTE ms. */
beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
    const body = gzipSync(Buffer.from(JSON.stringify({ api_key: String(req.headers['x-api-key'] ?? ''), q, rows: ROWS })));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const start = Date.now();
    let i = 0;
    const tick = () => {
      while (i < body.length && Date.now() >= start + i * MS_PER_BYTE) res.write(body.subarray(i, ++i));
      if (i >= body.length) res.end();
      else setTimeout(tick, Math.max(0, start + i * MS_PER_BYTE - Date.now()));
    };
    tick();
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

describe('redteam3: BREACH through durationMs (a slow upstream)', () => {
  it.fails('the time an answer took does not depend on how well the agent text compresses against the key', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    const secret = KEY.slice('rt3-brc-'.length);
    const right = secret.slice(0, 11);
    const wrong = 'Mz4Kq8Wv2Jx';
    const took = async (q: string) => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/search`, query: { q }, headers: { 'x-api-key': '<secrets.KEY>' } });
      expect(r.isError).toBeFalsy();
      const sc = r.structuredContent as { durationMs: number; json?: { api_key?: string } };
      // The key itself is withheld as a whole-value unit; the agent's text is shown.
      expect(sc.json?.api_key).toBe('[REDACTED:KEY]');
      return sc.durationMs;
    };
    const best = async (q: string) => Math.min(await took(q), await took(q));
    const tRight = await best(right);
    const tWrong = await best(wrong);
    // Today: the right guess answers ~8 bytes × MS_PER_BYTE sooner (205 vs 213 gzip bytes).
    expect(Math.abs(tWrong - tRight)).toBeLessThan(2.5 * MS_PER_BYTE);
  }, 60_000);
});
