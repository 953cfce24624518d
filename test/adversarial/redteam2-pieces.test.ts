// Second red team of issue 18, family 1 (the structure around the scan): the 16 KiB decoding
// pieces. A body is decoded in pieces of about 16 KiB, each seeing 768 characters of its
// neighbours (src/redact/scan.ts). Base64 runs were found once over the whole text and handed to
// each piece as (start, start + min) markers clipped to the piece, so a run that began in an
// earlier piece had no marker in a later one: nothing past the first ~17 KiB of one unbroken
// base64, hex or base32 run was decoded at all (fixed: each piece finds its own run starts).
// Compressed data was inflated only from what its first piece held (fixed: the piece holding a
// compressed run's start is taken to the run's end, src/redact/views/compressed-extent.ts).
// `it.fails` marks what reaches the agent today.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'rt2-pcs-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';

/** `n` lines of fixed, incompressible-looking filler (a hash chain: no value in it). */
function filler(n: number): string {
  const out: string[] = [];
  let h = 'seed';
  for (let i = 0; i < n; i++) out.push(`id_${i} = ${(h = createHash('sha256').update(h).digest('hex'))}`);
  return out.join('\n');
}

/** A rendered config file: 600 settings (about 44 KB), then the key the app was called with. */
const configFile = (key: string) => `# generated\n${filler(600)}\napi_key = ${key}\n`;

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

/**
 * Careless endpoints that put the key they got into a file and return the file the way real APIs
 * return files: `/k8s` a Kubernetes Secret (`data` values are one-line base64), `/logs` a CloudWatch
 * Logs subscription record (`awslogs.data` is base64 of gzip), `/bytea` a PostgreSQL bytea column in
 * hex output (`\x` and one line of hex).
 */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    const file = Buffer.from(configFile(key));
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname === '/k8s') return res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-config' }, type: 'Opaque', data: { 'app.ini': file.toString('base64') } }));
    if (url.pathname === '/logs') return res.end(JSON.stringify({ awslogs: { data: gzipSync(file).toString('base64') } }));
    if (url.pathname === '/bytea') return res.end(JSON.stringify({ rows: [{ id: 1, blob: `\\x${file.toString('hex')}` }] }));
    res.end('{}');
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
  s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const get = (path: string) => s.call('http_request', { method: 'GET', url: `${up.url}${path}`, headers: { 'x-api-key': '<secrets.KEY>' } });
const json = (r: Awaited<ReturnType<typeof get>>) => (r.structuredContent as { json?: unknown }).json;

/** What the agent reads back from a field, decoded the way the format says (or '' if it is gone). */
function readBack(read: () => Buffer): string {
  try {
    return read().toString('utf8');
  } catch {
    return '';
  }
}

describe('redteam2: a value past the first decoding piece of one long run', () => {
  it('a Kubernetes Secret whose base64 file holds the key after 17 KiB', async () => {
    const r = await get('/k8s');
    const data = (json(r) as { data?: Record<string, string> } | undefined)?.data?.['app.ini'] ?? '';
    expect(survivingWindow(visible(r), KEY)).toBeNull();
    expect(survivingWindow(readBack(() => Buffer.from(data, 'base64')), KEY)).toBeNull();
  });

  it('a CloudWatch Logs record (base64 of gzip) whose log holds the key after the first piece', async () => {
    const r = await get('/logs');
    const data = (json(r) as { awslogs?: { data?: string } } | undefined)?.awslogs?.data ?? '';
    expect(survivingWindow(readBack(() => gunzipSync(Buffer.from(data, 'base64'))), KEY)).toBeNull();
  });

  it('a PostgreSQL bytea column in hex output holding the key after 17 KiB', async () => {
    const r = await get('/bytea');
    const blob = (json(r) as { rows?: Array<{ blob?: string }> } | undefined)?.rows?.[0]?.blob ?? '';
    expect(survivingWindow(readBack(() => Buffer.from(blob.slice(2), 'hex')), KEY)).toBeNull();
  });
});
