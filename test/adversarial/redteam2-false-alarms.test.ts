// Second red team of issue 18, family 5 (false alarms). Issue 18: "honest reads that return stored
// values whole (a config-vars listing, a Kubernetes Secret, …) suspend no one". A one-line base64
// run longer than a decoding piece is decoded only as far as its first piece reaches (16 KiB plus
// 768 characters, src/redact/scan.ts PIECE_OVERLAP; later pieces get no run marker,
// src/redact/occurrences.ts runsWithin, since fixed). A stored value that the file holds whole, across that
// point, is seen as a piece; when it was not placed in the exchange that is the tripwire, and an
// honest agent reading its own cluster's Secret is suspended. Two more honest layouts that show a
// stored value whole as pieces follow (a pretty-printed byte list, text wrapped by textwrap.fill).
// `it.fails` marks what goes wrong today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KUBE_TOKEN = 'rt2-kube-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
/** Also in the vault, bound to the database; the cluster's Secret holds it too (as clusters do). */
const DB_PASSWORD = 'Xk4pT9wQ2mZ7vB3nR8sL5dF1';
/** A GitHub fine-grained token (93 characters), also in the vault, bound to GitHub. */
const GH_PAT = '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';
/** Characters before the password: puts it across the end of the first piece's decoded base64. */
const BEFORE = 12_795;

/** The app's config file as the cluster stores it: a long comment block, then the settings. */
const APP_INI = `# app.ini\n# ${'-'.repeat(BEFORE - 2)}\ndb_password = ${DB_PASSWORD}\npool = 10\n`;

/**
 * Python's textwrap.fill(text, width) (break_long_words=True, its default): words fill lines
 * greedily, and a word longer than the width is cut to fill what is left of the line.
 */
function fill(text: string, width: number): string {
  const lines: string[] = [];
  let cur = '';
  for (let w of text.split(' ')) {
    if (cur.length + (cur ? 1 : 0) + w.length <= width) {
      cur += (cur ? ' ' : '') + w;
      continue;
    }
    if (w.length <= width) {
      lines.push(cur);
      cur = w;
      continue;
    }
    const room = width - cur.length - (cur ? 1 : 0);
    cur += (cur ? ' ' : '') + w.slice(0, room);
    for (w = w.slice(room); w.length > 0; w = w.slice(width)) {
      lines.push(cur);
      cur = w.slice(0, width);
    }
  }
  lines.push(cur);
  return lines.join('\n');
}

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/**
 * A Kubernetes API server: GET a Secret returns its data as one-line base64 per key. `/binary` is
 * an internal secrets service on Express with `json spaces` 2, answering a secret's binary form
 * (a Buffer, as Buffer.toJSON writes it).
 */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${KUBE_TOKEN}`) return res.writeHead(401).end('{}');
    if (req.url === '/notice') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(fill(`Hello Sam, your token for the deploy bot was rotated today. The new token is ${GH_PAT} and the old one stops working tomorrow.`, 70));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/binary') return res.end(JSON.stringify({ name: 'db-password', SecretBinary: Buffer.from(DB_PASSWORD) }, null, 2));
    res.end(JSON.stringify({ kind: 'Secret', data: { 'app.ini': Buffer.from(APP_INI).toString('base64') } }));
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KUBE_TOKEN, DB_PASSWORD, GH_PAT]);
  await up.close();
});

describe('redteam2: an honest read of a stored value inside a long base64 run', () => {
  it('reading a Kubernetes Secret whose config file holds a stored password suspends no one', async () => {
    const s = await servedHome(homes, [['KUBE_TOKEN', KUBE_TOKEN, '--host', up.url], ['DB_PASSWORD', DB_PASSWORD, '--host', 'https://db.example.com']]);
    const read = () => s.call('http_request', { method: 'GET', url: `${up.url}/api/v1/namespaces/default/secrets/app-config`, headers: { Authorization: 'Bearer <secrets.KUBE_TOKEN>' } });
    const first = await read();
    expect(first.isError ?? false, JSON.stringify(first.content)).toBe(false);
    // And the agent may go on working.
    const second = await read();
    expect(second.isError ?? false).toBe(false);
  });
});

// A byte list pretty-printed one number per line (JSON with an indent, Rust {:#?}, Python pprint)
// is read as pieces of the value, never the whole (the list's first or last item is not joined).
describe('redteam2: an honest read of a stored value as a pretty-printed byte list', () => {
  it('reading a secret\'s binary form (Buffer JSON, 2-space indent) suspends no one', async () => {
    const s = await servedHome(homes, [['KUBE_TOKEN', KUBE_TOKEN, '--host', up.url], ['DB_PASSWORD', DB_PASSWORD, '--host', 'https://db.example.com']]);
    const read = () => s.call('http_request', { method: 'GET', url: `${up.url}/binary`, headers: { Authorization: 'Bearer <secrets.KUBE_TOKEN>' } });
    const first = await read();
    expect(first.isError ?? false, JSON.stringify(first.content)).toBe(false);
    const second = await read();
    expect(second.isError ?? false).toBe(false);
  });
});

// A long token in text wrapped by Python's textwrap.fill (width 70, long words broken, the
// default): the token comes back whole, cut by line breaks, and is read as pieces.
describe('redteam2: an honest read of a stored value in text wrapped at 70 columns', () => {
  it('reading a notification that holds a stored GitHub token, wrapped by textwrap.fill, suspends no one', async () => {
    const s = await servedHome(homes, [['KUBE_TOKEN', KUBE_TOKEN, '--host', up.url], ['GH_PAT', GH_PAT, '--host', 'https://api.github.com']]);
    const read = () => s.call('http_request', { method: 'GET', url: `${up.url}/notice`, headers: { Authorization: 'Bearer <secrets.KUBE_TOKEN>' } });
    const first = await read();
    expect(first.isError ?? false, JSON.stringify(first.content)).toBe(false);
    const second = await read();
    expect(second.isError ?? false).toBe(false);
  });
});
