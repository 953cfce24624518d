// Twelfth red team: a careless but bound upstream on 127.0.0.1 that prints the key it received in a
// spelling the test picks (`?as=NAME`), a real stdio server on a fresh home driven through the MCP
// SDK Client, and the agent's own one-line decoder for each spelling. A finding is that the
// decoder reads a window (12 secret-bearing characters) of the key back out of what the agent saw.
// Nothing here prints a value: assertions say only which spelling leaked.
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecret } from './adversarial.js';
import { tempHome, type TempHome } from './cli.js';
import { connectStdio, visible, type StdioSession } from './mcp.js';
import { listenOn, type Listening } from './upstream.js';
import { survivingWindow } from './windows.js';

export interface Spelling {
  /** What the upstream answers, given the key it received. */
  answer(key: string): { body: string | Buffer; headers?: OutgoingHttpHeaders };
  /** What the agent does to the text it saw to read the key back (one line of code in any language). */
  decode(seen: string): string;
}

export interface Rig {
  origin: string;
  session: StdioSession;
  received: string[];
  call(as: string, extra?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function startRig(key: string, spellings: Record<string, Spelling>, serveArgs: string[] = []): Promise<Rig> {
  const received: string[] = [];
  const up: Listening = await listenOn(
    createServer((req, res) => {
      const k = String(req.headers['x-api-key'] ?? '');
      received.push(k);
      const as = new URL(req.url ?? '/', 'http://upstream.invalid').searchParams.get('as') ?? '';
      const s = spellings[as];
      if (!s) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such spelling');
        return;
      }
      const { body, headers } = s.answer(k);
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    }),
  );
  const t: TempHome = tempHome();
  await setSecret(t, 'KEY', key, '--host', up.url, '--placement', 'header');
  const session = await connectStdio(t.env, serveArgs);
  return {
    origin: up.url,
    session,
    received,
    call: (as, extra = {}) => session.call('http_request', { method: 'GET', url: `${up.url}/whoami?as=${encodeURIComponent(as)}`, headers: { 'X-Api-Key': '<secrets.KEY>' }, ...extra }),
    close: async () => {
      await session.close();
      await up.close();
      expect(survivingWindow(session.stderr(), key) === null, 'server stderr holds a window of the key').toBe(true);
      t.cleanup();
    },
  };
}

/** Every string the agent can read of a result: the content blocks and each string of structuredContent. */
export function seenStrings(r: CallToolResult): string[] {
  const out: string[] = [visible(r)];
  for (const block of r.content ?? []) if (block.type === 'text') out.push(block.text);
  const walk = (x: unknown): void => {
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(r.structuredContent);
  return out;
}

/** The agent, decoding what it saw the way `s` spelled it, reads no window of `key`. */
export function expectUnreadable(r: CallToolResult, key: string, s: Spelling, label: string): void {
  let clean = true;
  for (const seen of seenStrings(r)) {
    for (const text of [seen, s.decode(seen)]) if (survivingWindow(text, key) !== null) clean = false;
  }
  expect(clean, `${label}: the agent decoded a window of the key from what it was shown`).toBe(true);
}

/**
 * One test per spelling: the bound upstream got the real key, and the agent, decoding what it was
 * shown the way the spelling wrote it, reads no window of it.
 */
export function describeSpellings(title: string, key: string, spellings: Record<string, Spelling>): void {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(key, spellings);
  }, 30_000);
  afterAll(async () => {
    await rig?.close();
  });
  describe(title, () => {
    for (const [as, s] of Object.entries(spellings)) {
      it(as, async () => {
        rig.received.length = 0;
        const r = await rig.call(as);
        expect(rig.received.length === 1 && rig.received[0] === key, 'the upstream got the real key').toBe(true);
        expectUnreadable(r, key, s, as);
      });
    }
  });
}
