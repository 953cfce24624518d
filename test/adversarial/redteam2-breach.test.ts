// Second red team of issue 18, family 3 (functions of bytes nobody scanned): BREACH through maxBytes
// on a binary answer. The first red team's download (application/gzip) is now inflated as it is
// read; a compressed file served as application/octet-stream (S3's default for a .gz) is a binary
// summary, and its `truncated` flag says whether it was longer than maxBytes + 772: the agent
// chooses maxBytes, so bisection gives the compressed size, to the byte, of a file that mixes the
// key with the agent's text, and two-tries BREACH reads the key a character at a time (closed: a
// binary summary never says `truncated`, and carries no size or hash header).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { type StdioSession } from '../helpers/mcp.js';
import { breachScores } from '../helpers/adversarial.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'sk_live_4f9c2a7e1b8d3c6f0a5e9b2d7c4f1a8x';
const ALPHABET = '0123456789abcdefx';
/** Rows the export holds besides the key: fixed, hard to compress (so the size is above the 772 slack). */
const ROWS = Array.from({ length: 40 }, (_, i) => createHash('sha256').update(`row ${i}`).digest('base64')).join('\n');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/export` is a gzip file (served as application/octet-stream) of an export holding the caller's key and its search text. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    const body = gzipSync(Buffer.from(`# export\napi_key=${key}\nsearch=${url.searchParams.get('q') ?? ''}\nrows:\n${ROWS}\n`));
    // `?figures`: the size and hash headers a file server sends (S3: Content-Length and an MD5 ETag).
    const figures = url.searchParams.has('figures') ? { 'content-length': String(body.length), etag: `"${createHash('md5').update(body).digest('hex')}"` } : {};
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="export.csv.gz"', ...figures });
    res.end(body);
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

describe('redteam2: BREACH through the read limit on a binary answer', () => {
  it('a binary summary carries no header that states the size or hash of its bytes', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/export`, query: { q: 'x', figures: '1' }, headers: { 'x-api-key': '<secrets.KEY>' } });
    const view = r.structuredContent as { headers: Record<string, string>; binary?: unknown; truncated?: boolean };
    expect(view.binary).toBeDefined();
    expect(Object.keys(view.headers).filter((h) => /^(content-length|etag|digest|content-digest|repr-digest|content-md5)$/i.test(h))).toEqual([]);
  });

  it('the compressed size of an answer mixing the key with agent text tells no candidate apart', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    // Whether the binary answer was read whole (not `truncated`) at this maxBytes.
    const whole = async (q: string, maxBytes: number) => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/export`, query: { q }, headers: { 'x-api-key': '<secrets.KEY>' }, maxBytes });
      return (r.structuredContent as { truncated?: boolean } | undefined)?.truncated === false && !r.isError;
    };
    // The hint an API shows (below a window); two tries per candidate by bisecting maxBytes.
    const scores = await breachScores(whole, KEY.slice(0, 11), ALPHABET);
    // A figure that depends on the compressed size singles out the right character.
    expect(new Set(scores).size).toBe(1);
  }, 300_000);
});
