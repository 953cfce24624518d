// Issue 18, items 1–3: the second wall fails closed and answers no questions. Against careless but
// real upstreams on 127.0.0.1: an echo host that reverses what it is given (the agent's guess comes
// back as plain text no input scan could have seen), one that answers byte ranges, and a compressed
// download. Every check greps the agent's view for the values with the independent window checker.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { Redactor, WITHHELD_NOTICE } from '../../src/redact/redactor.js';
import { openBlindfold } from '../../src/index.js';
import { base32, quotedPrintable } from '../helpers/encodings.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const KEY = 'wall-Key-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const OTHER = 'other-Key-Ws5Ed1Rf8Tg3Yh7Uj2Ik';

interface Upstream {
  url: string;
  ranges: string[];
  close(): Promise<void>;
}

/** A careless upstream: reverses `s`, answers ranges, serves a gzip download. */
async function startUpstream(): Promise<Upstream> {
  const ranges: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/reverse') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`echo: ${[...(url.searchParams.get('s') ?? '')].reverse().join('')}`);
    }
    if (url.pathname === '/range') {
      ranges.push(String(req.headers.range ?? ''));
      res.writeHead(206, { 'content-type': 'text/plain', 'content-range': 'bytes 0-10/40' });
      return res.end('first-bytes');
    }
    if (url.pathname === '/download') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      return res.end(gzipSync(Buffer.from('name,count\nalpha,1\nbeta,2\n')));
    }
    res.writeHead(404).end();
  });
  return { ...(await listenOn(server)), ranges, };
}

let up: Upstream;
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** A fresh home and server (a suspension in one test must not decide another). */
async function fresh(settings?: object): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://other.example');
  let env = t.env;
  if (settings) {
    const config = join(t.home, '..', 'config');
    mkdirSync(join(config, 'blindfold'), { recursive: true });
    writeFileSync(join(config, 'blindfold', 'config.json'), JSON.stringify(settings));
    env = { ...t.env, XDG_CONFIG_HOME: config };
  }
  const s = await connectStdio(env);
  homes.push({ t, s });
  return s;
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

const reverse = (s: string) => [...s].reverse().join('');
const body = (r: { structuredContent?: unknown }) => (r.structuredContent as { body?: string }).body;

describe('no oracle: a guess turned back into plain text by the upstream (SPEC §1.4a)', () => {
  it('a piece of a value not placed in the exchange trips the wire; a wrong guess is shown', async () => {
    const s = await fresh();
    const wrong = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse('other-Key-Zz9Zz9Zz9Zz9') } });
    expect(body(wrong)).toBe('echo: other-Key-Zz9Zz9Zz9Zz9');
    const right = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse(OTHER.slice(0, 20)) } });
    expect(right.isError).toBe(true);
    expect(visible(right)).toContain('REQUEST_REFUSED');
    expect(survivingWindow(visible(right), OTHER)).toBeNull();
    // The suspension is the only difference: the wrong guess again is now refused too.
    expect(visible(await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: 'x' } }))).toContain('PRINCIPAL_SUSPENDED');
  });

  it('a piece of a placed value withholds the whole answer with the one notice, and past the allowance suspends', async () => {
    const s = await fresh();
    const ask = (guess: string) => s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse(guess) }, headers: { 'X-Key': '<secrets.KEY>' } });
    const wrong = await ask('wall-Key-Aa0Aa0Aa0Aa0');
    expect(body(wrong)).toBe('echo: wall-Key-Aa0Aa0Aa0Aa0');
    for (let i = 0; i < 3; i++) {
      const right = await ask(KEY.slice(0, 16 + i));
      expect(right.isError, visible(right)).toBeFalsy();
      // Nothing depends on where the piece sat or how long it was: the notice, whole.
      expect(body(right)).toBe(WITHHELD_NOTICE);
      expect((right.structuredContent as { withheld?: boolean }).withheld).toBe(true);
      expect(survivingWindow(visible(right), KEY)).toBeNull();
    }
    const fourth = await ask(KEY.slice(0, 20));
    expect(body(fourth)).toBe(WITHHELD_NOTICE);
    expect(visible(await ask('anything'))).toContain('PRINCIPAL_SUSPENDED');
  });
});

describe('nothing computed from bytes nobody scanned', () => {
  it('an agent-set Range is dropped and a partial answer (206, Content-Range) withheld', async () => {
    const s = await fresh();
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/range`, headers: { Range: 'bytes=0-10', 'If-Range': 'x' } });
    expect(up.ranges.at(-1)).toBe('');
    expect(body(r)).toBe(WITHHELD_NOTICE);
    expect(visible(r)).not.toContain('first-bytes');
  });

  it('an origin the admin opted into partial answers (settings rangeOrigins) gets the Range and its 206 is scanned and shown', async () => {
    const s = await fresh({ rangeOrigins: [new URL(up.url).origin] });
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/range`, headers: { Range: 'bytes=0-10' } });
    expect(up.ranges.at(-1)).toBe('bytes=0-10');
    expect(body(r)).toBe('first-bytes');
  });

  it('a compressed download is inflated, scanned and shown', async () => {
    const s = await fresh();
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/download` });
    expect(body(r)).toBe('name,count\nalpha,1\nbeta,2\n');
  });
});

describe('scanning fails closed (every budget 0)', () => {
  const values = [KEY, 'pw+With/Odd=Chars&<x>-9f8e7d6c', 'Ünïcödé-välüe-ß-Ω-中文-1234'];
  const spellings = (v: string): string[] => [
    v,
    Buffer.from(v).toString('base64'),
    Buffer.from(v).toString('hex'),
    encodeURIComponent(encodeURIComponent(encodeURIComponent(v))),
    JSON.stringify(JSON.stringify(v)),
    [...v].map((c) => `&#${c.codePointAt(0)};`).join(''),
    quotedPrintable(v, 20),
    base32(Buffer.from(v)),
    Buffer.from(Buffer.from(v).toString('base64')).toString('base64'),
  ];
  const zero = { maxDepth: 0, budgetPerChar: 0, budgetConstant: 0 };

  it('no window of any value survives any spelling: found, or withheld', () => {
    const r = new Redactor({ limits: zero });
    values.forEach((value, i) => r.add({ name: `V${i}`, value }));
    for (const value of values) {
      for (const form of spellings(value)) {
        const out = r.redact(`padding &amp; \\\\ %25 =3D + \r\n ${form} tail`).text;
        expect(survivingWindow(out, value), form).toBeNull();
      }
    }
  });

  it('a text that needs no decoding is still shown', () => {
    const r = new Redactor({ limits: zero });
    r.add({ name: 'V', value: KEY });
    expect(r.redact('plain text, nothing encoded in it at all').text).toBe('plain text, nothing encoded in it at all');
  });

  it('meta: the same suite with fail-closed switched off leaks (so the test above can fail)', () => {
    const r = new Redactor({ limits: zero, unsafeFailOpen: true });
    values.forEach((value, i) => r.add({ name: `V${i}`, value }));
    let leaks = 0;
    for (const value of values) for (const form of spellings(value)) if (survivingWindow(r.redact(`x ${form} y`).text, value) !== null) leaks++;
    expect(leaks).toBeGreaterThan(0);
  });

  it('the library door caps an input as the transport does: 2 MiB refused unread, nothing sent', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    const blindfold = await openBlindfold({ home: t.home, principal: 'cap-test' });
    try {
      const before = up.ranges.length;
      await expect(blindfold.httpRequest({ method: 'POST', url: `${up.url}/range`, body: 'x'.repeat(2 * 1024 * 1024) })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('larger than the server accepts') });
      expect(up.ranges.length).toBe(before);
    } finally {
      await blindfold.close();
      t.cleanup();
    }
  });

  it('an agent input the scan cannot finish is refused, nothing sent', async () => {
    const s = await fresh();
    // Nested deeper than the decoder goes (MAX_DEPTH is 8): twelve layers of percent-encoding.
    let deep = 'plain-text-nothing-secret';
    for (let i = 0; i < 12; i++) deep = encodeURIComponent(`%${deep}`);
    const before = up.ranges.length;
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/range`, query: { q: deep } });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('could not be fully checked');
    expect(up.ranges.length).toBe(before);
  });
});
