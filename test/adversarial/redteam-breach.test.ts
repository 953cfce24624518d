// Red team of issue 18, family 3 (functions of bytes nobody scanned): BREACH through maxBytes.
// A compressed download is inflated and scanned only when it was read whole; past the read limit
// (maxBytes + 772) it is a binary summary instead. The agent chooses maxBytes, so the smallest
// maxBytes that shows the text is the compressed size, to the byte, of an answer that mixes the
// key with the agent's text. Two-tries BREACH then reads the key a character at a time, without a
// window ever appearing in the agent's input. `it.fails` marks the attack that works today.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { breachScores, setSecret } from '../helpers/adversarial.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const KEY = 'sk_live_4f9c2a7e1b8d3c6f0a5e9b2d7c4f1a8x';
const ALPHABET = '0123456789abcdefx';
/** Rows the export holds besides the key: fixed, hard to compress (so the size is above the 772 slack). */
const ROWS = Array.from({ length: 40 }, (_, i) => createHash('sha256').update(`row ${i}`).digest('base64')).join('\n');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/export` is a gzip download of an export holding the caller's key and its search text. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    res.writeHead(200, { 'content-type': 'application/gzip' });
    res.end(gzipSync(Buffer.from(`# export\napi_key=${key}\nsearch=${url.searchParams.get('q') ?? ''}\nrows:\n${ROWS}\n`)));
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

describe('redteam: BREACH through the read limit', () => {
  it('the compressed size of an answer mixing the key with agent text tells no candidate apart', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    const s = await connectStdio(t.env);
    homes.push({ t, s });
    // Whether the download was read whole (inflated and shown) at this maxBytes.
    const whole = async (q: string, maxBytes: number) => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/export`, query: { q }, headers: { 'x-api-key': '<secrets.KEY>' }, maxBytes });
      return (r.structuredContent as { binary?: unknown } | undefined)?.binary === undefined && !r.isError;
    };
    // The hint an API shows (below a window); two tries per candidate by bisecting maxBytes.
    const scores = await breachScores(whole, KEY.slice(0, 11), ALPHABET);
    // A figure that depends on the compressed size singles out the right character.
    expect(new Set(scores).size).toBe(1);
  }, 300_000);
});
