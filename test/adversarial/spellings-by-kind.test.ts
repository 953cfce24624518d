// A hostile agent makes a careless (but bound, trusted) upstream print the credential it was sent
// in spellings of a kind rather than an encoding: its bytes as a list or a hex dump, full-width or
// with invisible characters between them, inside a compressed session cookie, four characters at
// a time or wrapped in a table. Through the real stdio server and a real HTTP upstream on
// 127.0.0.1; each case asserts the upstream received the real value, the value was reported
// redacted, and no window of it reached the agent in any spelling of any kind.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { expectNoSpelling, expectNoValueAtRest, setSecret } from '../helpers/adversarial.js';
import {
  bufferJson,
  decimalList,
  flaskCookie,
  fullWidth,
  grouped,
  hexdumpC,
  hexList,
  indexedList,
  interleaved,
  kindDecodings,
  lookAlikes,
  odX1z,
  tableWrapped,
  xxd,
} from '../helpers/encodings.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'sk_live_9fQ2xLm7Rt4Kp8Wz3Nv6Bc1Hd5Yg';

/** Each spelling the upstream can print the key it received in. */
const SPELLINGS: Record<string, (v: string) => string> = {
  'decimal list': (v) => `{"key_bytes": ${decimalList(v)}}`,
  'Java signed bytes': (v) => `byte[] key = ${decimalList(v, true)};`,
  'Buffer.toJSON': (v) => JSON.stringify({ received: JSON.parse(bufferJson(v)) }),
  '0x list': (v) => `unsigned char key[] = { ${hexList(v, '0x', ', ')} };`,
  'hex pairs': (v) => `key: ${hexList(v)}`,
  xxd: (v) => xxd(`Authorization-ish: ${v}\r\n`),
  'hexdump -C': (v) => hexdumpC(`X-Api-Key: ${v}\n`),
  'od -A x -t x1z': (v) => odX1z(`key=${v}`),
  // Each byte after its index (the index counts up: skipped like a dump's offset).
  'PHP print_r': (v) => `Array\n(\n    ${indexedList(v, ' => ', '\n    ', 0, ['[', ']'])}\n)\n`,
  'Python dict of index to byte': (v) => `{${indexedList(v, ': ', ', ')}}`,
  'Lua table': (v) => `key = {${indexedList(v, '=', ',', 1, ['[', ']'])}}`,
  'CSV of index and byte': (v) => `index,byte\n${indexedList(v, ',', '\n')}\n`,
  // One character per call in code: the same word before each number is a separator.
  'Python chr() concatenation': (v) => `key = ${[...Buffer.from(v)].map((b) => `chr(${b})`).join(' + ')}`,
  'PHP chr() concatenation': (v) => `$key = ${[...Buffer.from(v)].map((b) => `chr(${b})`).join('.')};`,
  'MySQL CHAR(0x..) list': (v) => `SELECT CONCAT(${[...Buffer.from(v)].map((b) => `CHAR(0x${b.toString(16)})`).join(', ')});`,
  // Wrapped with a line number before each line: the number is part of the separator.
  'nl of the value wrapped at 6': (v) => v.match(/[^]{1,6}/g)!.map((p, i) => `${String(i + 1).padStart(6)}\t${p}`).join('\n'),
  'grep -n of the value wrapped at 7': (v) => v.match(/[^]{1,7}/g)!.map((p, i) => `${i + 1}:${p}`).join('\n'),
  'a numbered listing': (v) => v.match(/[^]{1,9}/g)!.map((p, i) => `${String(i + 1).padStart(3)} | ${p}`).join('\n'),
  'full-width': (v) => `<p>Your key: ${fullWidth(v)}</p>`,
  'zero-width': (v) => `Your key: ${interleaved(v, '\u200b')}`,
  'look-alikes': (v) => `Your key: ${lookAlikes(v)}`,
  'flask cookie': (v) => `session=${flaskCookie({ user_id: 7, api_key: v })}`,
  'groups of 4': (v) => `Key: ${grouped(v, 4)}`,
  'table': (v) => `Settings\n${tableWrapped(v, 10)}\n`,
  'box table': (v) => tableWrapped(v, 8, 'box'),
};

let t: TempHome;
let upstream: Server;
let origin = '';
let session: StdioSession;
const received: string[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const key = String(req.headers['x-api-key'] ?? '');
    received.push(key);
    const as = new URL(req.url ?? '/', 'http://upstream.invalid').searchParams.get('as') ?? '';
    const spell = SPELLINGS[as];
    res.writeHead(spell ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(spell ? spell(key) : 'no such spelling');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', origin, '--placement', 'header');
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  if (t) {
    expectNoValueAtRest(t, session ? [session] : [], [KEY]);
    t.cleanup();
  }
});

/** Every string the agent can read: the content blocks, and each string inside structuredContent. */
function strings(r: CallToolResult): string[] {
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

describe('the upstream prints the key by kind; the agent sees no window of it', () => {
  for (const as of Object.keys(SPELLINGS)) {
    it(as, async () => {
      received.length = 0;
      const r = await session.call('http_request', { method: 'GET', url: `${origin}/whoami?as=${encodeURIComponent(as)}`, headers: { 'X-Api-Key': '<secrets.KEY>' } });
      // The upstream really got the key (so what came back is a spelling of the real thing).
      expect(received).toEqual([KEY]);
      expect((r.structuredContent as { redacted?: string[] }).redacted).toEqual(['KEY']);
      for (const s of strings(r)) {
        for (const d of [s, ...kindDecodings(s)]) expect(survivingWindow(d, KEY), `${as}: ${JSON.stringify(s.slice(0, 300))}`).toBeNull();
      }
      expectNoSpelling(visible(r), [KEY]);
    });
  }
});
