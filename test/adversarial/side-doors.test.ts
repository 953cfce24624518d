// Issue 10, "close the side doors": what an agent sees may not depend on the compressed size of a
// reply (BREACH, SPEC §1 promise 4 and §13), and no upstream answer may grow a tool result past what
// the client can read or the server can write (an answer that kills the session is a denial of
// service an upstream chooses). Everything runs through the real server over stdio.
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { serveWithStub } from '../helpers/served.js';
import { expectNoTrace } from '../helpers/traces.js';

const KEY = 'breach-Kq8Zp3Lx9Vw2Tn6Rm4Hy7';

const s = serveWithStub({ seed: (t, stub) => seedSecret(t.env, 'BREACH_KEY', KEY, '--host', stub.origin), secrets: [KEY] });

type Structured = {
  headers: Record<string, string>;
  body?: string;
  json?: unknown;
  binary?: { contentType: string };
  truncated: boolean;
  redacted: string[];
  durationMs: number;
  url: string;
};

const WIRE_SIZE_HEADERS = ['content-length', 'content-encoding', 'content-range', 'transfer-encoding'];

describe('compression oracle (BREACH)', () => {
  // The stub answers gzip(`token=<KEY>&guess=<guess>`). A guess sharing a longer prefix with the key
  // compresses better: the wire size falls by a byte or more per right character.
  const guesses = ['token=breach-Kq8Z', 'token=zqxwvjmgfpd', 'token=breach-Kq8Y', 'token=b0000000000'];
  const wireSize = (guess: string) => gzipSync(Buffer.from(`token=${KEY}&guess=${guess}`)).length;

  it('the oracle is real: the compressed sizes differ across guesses of one length', () => {
    expect(new Set(guesses.map((g) => g.length)).size).toBe(1);
    expect(new Set(guesses.map(wireSize)).size).toBeGreaterThan(1);
  });

  /** Everything the agent sees, minus the echoed guess itself and the timing. */
  function agentView(r: CallToolResult, guess: string): string {
    expect(r.isError, visible(r)).toBeFalsy();
    const sc = structuredClone(r.structuredContent) as unknown as Partial<Structured>;
    const strip = (s: string) => s.split(guess).join('<guess>').split(encodeURIComponent(guess)).join('<guess>');
    delete sc.durationMs;
    delete (sc.headers as Record<string, string>).date;
    const text = (r.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n').replace(/[\d.]+ ms/g, '<ms>');
    return strip(JSON.stringify({ sc, text }));
  }

  for (const type of ['text', 'binary'] as const) {
    it(`nothing the agent sees depends on the compressed size (${type} body)`, async () => {
      const views: string[] = [];
      for (const guess of guesses) {
        const r = await s.session.call('http_request', {
          method: 'GET',
          url: `${s.stub.url}/breach`,
          query: { guess, type },
          headers: { Authorization: 'Bearer <secrets.BREACH_KEY>' },
        });
        expectNoTrace(visible(r), [KEY]);
        const sc = r.structuredContent as unknown as Structured;
        for (const h of WIRE_SIZE_HEADERS) expect(sc.headers, `${h} reaches the agent`).not.toHaveProperty(h);
        // No header value is the wire size either (whatever its name).
        for (const v of Object.values(sc.headers)) expect(v).not.toBe(String(wireSize(guess)));
        if (type === 'binary') {
          // Content type only: no size (a bucket edge is still BREACH), no hash, no names found in it.
          expect(sc.binary).toEqual({ contentType: expect.any(String) });
          expect(sc.redacted).toEqual([]);
        } else {
          // The whole value withholds its unit (the line): where the agent's own text sat shows nothing.
          expect(sc.body).toBe('[REDACTED:BREACH_KEY]');
          // HEAD has no body to decode, but its Content-Length still counts compressed bytes.
          const head = await s.session.call('http_request', { method: 'HEAD', url: `${s.stub.url}/breach`, query: { guess }, headers: { Authorization: 'Bearer <secrets.BREACH_KEY>' } });
          expect(head.isError, visible(head)).toBeFalsy();
          for (const h of WIRE_SIZE_HEADERS) expect((head.structuredContent as unknown as Structured).headers).not.toHaveProperty(h);
        }
        views.push(agentView(r, guess));
      }
      expect(new Set(views).size, views.join('\n')).toBe(1);
    });
  }
});

describe('unbounded results', () => {
  // 2,000 levels of nested arrays around 10,000 zeros: 24 KB that pretty-printing turned into a
  // ~40 MB tool result, past the SDK client's 10 MB read buffer (the session died).
  const deep = () => `${s.stub.url}/deep?kind=array&levels=2000&width=10000`;
  const resultSize = (r: CallToolResult) => Buffer.byteLength(JSON.stringify(r));

  it('a deeply nested JSON answer comes back bounded and compact', async () => {
    const r = await s.session.call('http_request', { method: 'GET', url: deep() });
    expect(r.isError, visible(r).slice(0, 500)).toBeFalsy();
    const sc = r.structuredContent as unknown as Structured;
    // 24,001 bytes of body, sent once (in structuredContent) plus a short summary.
    expect(resultSize(r)).toBeLessThan(2 * 24_001 + 4096);
    const text = (r.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('');
    expect(text.length).toBeLessThan(4096);
    expect(text).not.toMatch(/\n {4}/); // nothing pretty-printed
    // 2,000 levels is past the depth any client parser is asked to take: the text, compact.
    expect(sc.json).toBeUndefined();
    expect(sc.body).toHaveLength(24_001);
    expect(sc.truncated).toBe(false);
  });

  it('a body whose serialised form passes maxBytes is cut and marked truncated, never over the cap', async () => {
    const maxBytes = 10_000;
    const r = await s.session.call('http_request', { method: 'GET', url: deep(), maxBytes });
    expect(r.isError, visible(r).slice(0, 500)).toBeFalsy();
    const sc = r.structuredContent as unknown as Structured;
    expect(sc.truncated).toBe(true);
    expect(sc.json).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(sc.body)) - 2).toBeLessThanOrEqual(maxBytes); // quotes aside
    // Bound: the capped body once, plus headers, url and a short summary.
    expect(resultSize(r)).toBeLessThanOrEqual(2 * maxBytes);
  });

  it('a parsed json field that would serialise past maxBytes comes back as the (whole, capped) text', async () => {
    // `1e9` is 3 characters in the answer and 10 once parsed and serialised again: 8 KB of text
    // (under the cap, so it is parsed) would be 22 KB of json.
    const maxBytes = 8_100;
    const r = await s.session.call('http_request', { method: 'GET', url: `${s.stub.url}/deep?kind=array&levels=1&width=2000&fill=1e9`, maxBytes });
    expect(r.isError, visible(r).slice(0, 500)).toBeFalsy();
    const sc = r.structuredContent as unknown as Structured;
    expect(sc.json).toBeUndefined();
    // The text itself was within the cap: it comes back whole, so it is not marked truncated.
    expect(sc.body).toBe(`[[${Array(2000).fill('1e9').join(',')}]]`);
    expect(sc.truncated).toBe(false);
    expect(Buffer.byteLength(JSON.stringify(sc.body)) - 2).toBeLessThanOrEqual(maxBytes); // quotes aside
    expect(resultSize(r)).toBeLessThanOrEqual(2 * maxBytes);
  });

  it('four at once, then a fifth ordinary call: the server is still serving', async () => {
    const four = await Promise.all([1, 2, 3, 4].map(() => s.session.call('http_request', { method: 'GET', url: deep() })));
    for (const r of four) {
      expect(r.isError).toBeFalsy();
      expect(resultSize(r)).toBeLessThan(2 * 24_001 + 4096);
    }
    const fifth = await s.session.call('http_request', { method: 'GET', url: `${s.stub.url}/echo` });
    expect(fifth.isError, visible(fifth)).toBeFalsy();
    expect((fifth.structuredContent as { status: number }).status).toBe(200);
    expect(s.session.stderr()).not.toMatch(/ENOBUFS|EPIPE|Unhandled 'error'|uncaught/i);
  });
});

describe('stdout that goes away', () => {
  it('a client that stops reading stdout: answers wait in one queue, nothing crashes, the server exits cleanly', async () => {
    const home = tempHome();
    try {
      expect(runCli(['init'], { env: home.env }).code).toBe(0);
      const child = spawn(process.execPath, [CLI, 'serve'], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
      // Wait for the server to answer once, then close our end of its stdout and ask again.
      const firstLine = new Promise<void>((res) => child.stdout.once('data', () => res()));
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      await firstLine;
      child.stdout.destroy();
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      for (let i = 2; i < 40; i++) send({ jsonrpc: '2.0', id: i, method: 'tools/list' });
      await new Promise((res) => setTimeout(res, 1500));
      child.stdin.end();
      const code = await Promise.race([exited, new Promise<string>((res) => setTimeout(() => res('still running'), 10_000))]);
      if (code === 'still running') child.kill('SIGKILL');
      // Neither a crash nor writes piling up unqueued (one 'drain' listener per pending answer).
      // (The server says in one line that stdout failed; no stack, no uncaught 'error'.)
      expect(stderr).not.toMatch(/Unhandled 'error'|\n\s+at |node:internal|MaxListenersExceeded|Error: write/);
      expect(code).toBe(0);
    } finally {
      home.cleanup();
    }
  });
});
