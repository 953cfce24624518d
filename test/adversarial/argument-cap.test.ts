// Issue 18 item 6: a tool call's whole message is capped in raw bytes in the stdio transport,
// before JSON is parsed (default 1 MiB, the settings can raise it). An oversized message is skipped
// as it streams in, never buffered whole or parsed, and answered with a JSON-RPC error for its id
// (found at the start or the very end of the line, else null); the session goes on.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';

const MiB = 1024 * 1024;
const VALUE = 'cap-Zt4Wq9Lp2Xn7Rb5Kd8Mv3Hs6';
let t: TempHome;
let stub: Stub;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedSecret(t.env, 'CAP_KEY', VALUE, '--host', stub.origin);
});
afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

/** A server spoken to in raw JSON-RPC lines, so a test controls every byte of a message. */
interface RawSession {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<{ id: unknown; result?: unknown; error?: { code: number; message: string } }>;
  write(line: string | Buffer): void;
  /** Peak resident memory of the server so far (VmHWM). */
  peakRss(): number;
  close(): void;
}

async function raw(args: string[] = [], env = t.env): Promise<RawSession> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = '';
  const waiting: Array<(m: never) => void> = [];
  const arrived: unknown[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, i)) as never;
      buffered = buffered.slice(i + 1);
      const w = waiting.shift();
      if (w) w(message);
      else arrived.push(message);
    }
  });
  const session: RawSession = {
    child,
    next: () => (arrived.length ? Promise.resolve(arrived.shift() as never) : new Promise((r) => waiting.push(r))),
    write: (line) => child.stdin.write(line),
    peakRss: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) * 1024,
    close: () => child.stdin.end(),
  };
  session.write(`${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
  await session.next();
  session.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return session;
}

async function pingAnswers(s: RawSession, id: number): Promise<void> {
  s.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' })}\n`);
  expect(await s.next()).toEqual({ jsonrpc: '2.0', id, result: {} });
}

const padding = (bytes: number) => 'p'.repeat(bytes);

describe('the raw argument cap', () => {
  it('refuses an 8 MB tool call unread with an error for its id, sends nothing, and the session goes on', async () => {
    const session = await connectStdio(t.env);
    try {
      stub.reset();
      const call = session.client.callTool({ name: 'http_request', arguments: { method: 'POST', url: `${stub.url}/echo`, body: padding(8_000_000) } });
      const err = await call.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(-32600);
      expect((err as McpError).message).toContain('refused unread: it is over 1048576 bytes');
      expect(stub.requests).toHaveLength(0);
      const listed = await session.call('list_secrets', {});
      expect(JSON.stringify(listed.structuredContent)).toContain('CAP_KEY');
    } finally {
      await session.close();
    }
  });

  it('finds the id at the start of the line, or at its very end, and answers null when it is neither', async () => {
    const s = await raw();
    try {
      const params = { name: 'http_request', arguments: { method: 'POST', url: `${stub.url}/echo`, body: padding(2 * MiB) } };
      s.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'first-id', method: 'tools/call', params })}\n`);
      expect(await s.next()).toMatchObject({ id: 'first-id', error: { code: -32600 } });
      s.write(`${JSON.stringify({ method: 'tools/call', params, jsonrpc: '2.0', id: 41 })}\n`);
      expect(await s.next()).toMatchObject({ id: 41, error: { code: -32600 } });
      // The id after the arguments but not last, with an "id" planted at the end of the arguments: nothing to trust.
      const planted = { ...params, arguments: { ...params.arguments, headers: { id: 99 } } };
      s.write(`${JSON.stringify({ params: planted, id: 42, method: 'tools/call' })}\n`);
      expect(await s.next()).toMatchObject({ id: null, error: { code: -32600 } });
      s.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: planted })}\n`);
      expect(await s.next()).toMatchObject({ id: null, error: { code: -32600 } });
      await pingAnswers(s, 43);
    } finally {
      s.close();
    }
  });

  it('skips a 64 MB message as it streams: peak memory grows far less than the message', async () => {
    const s = await raw();
    try {
      await pingAnswers(s, 1);
      const before = s.peakRss();
      const line = Buffer.from(`${JSON.stringify({ method: 'tools/call', params: { name: 'http_request', arguments: { method: 'POST', url: `${stub.url}/echo`, body: padding(64 * MiB) } }, jsonrpc: '2.0', id: 2 })}\n`);
      s.write(line);
      expect(await s.next()).toMatchObject({ id: 2, error: { code: -32600 } });
      const growth = s.peakRss() - before;
      // What the skipped chunks cost until the garbage collector takes them; whole, the message
      // would cost its own size several times over (joined, decoded, parsed).
      expect(growth).toBeLessThan(50 * MiB);
      await pingAnswers(s, 3);
    } finally {
      s.close();
    }
  });

  it('lets through a message under the cap, and the settings file or --max-argument-bytes raise the cap', async () => {
    // A tool that does not exist answers after the message was read and parsed: the cap let it through.
    const unknownTool = (id: number, bytes: number) => `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'no_such_tool', arguments: { pad: padding(bytes) } } })}\n`;
    const passed = (m: { result?: unknown; error?: { code: number } }) => m.error?.code !== -32600;

    const byDefault = await raw();
    byDefault.write(unknownTool(1, MiB - 1024));
    expect(passed(await byDefault.next())).toBe(true);
    byDefault.write(unknownTool(2, 2 * MiB));
    expect(passed(await byDefault.next())).toBe(false);
    byDefault.close();

    const byFlag = await raw(['--max-argument-bytes', String(4 * MiB)]);
    byFlag.write(unknownTool(1, 2 * MiB));
    expect(passed(await byFlag.next())).toBe(true);
    byFlag.close();

    const config = join(String(t.env.HOME), 'xdg');
    mkdirSync(join(config, 'blindfold'), { recursive: true });
    writeFileSync(join(config, 'blindfold', 'config.json'), JSON.stringify({ limits: { maxArgumentBytes: 4 * MiB } }));
    const byFile = await raw([], { ...t.env, XDG_CONFIG_HOME: config });
    byFile.write(unknownTool(1, 2 * MiB));
    expect(passed(await byFile.next())).toBe(true);
    byFile.close();
  });
});
