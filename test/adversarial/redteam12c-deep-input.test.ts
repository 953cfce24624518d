// Red team 12c, family 1 (the scan stops silently) with family 7 (what the admin sees), severity:
// low-medium.
//
// An agent input nested deeper than V8's JSON.stringify recursion limit (a `json` argument of
// 20,000 nested arrays, 40 KB on the wire, far under the 1 MiB argument cap) is never scanned:
// src/policy/answer-judge.ts screenInput() starts with `JSON.stringify(agentInput)`, which throws
// RangeError ("Maximum call stack size exceeded") before the tripwire or the INPUT_UNSCANNABLE
// branch runs. src/mcp/screen-calls.ts turns the throw into a tool error `INTERNAL: Maximum call
// stack size exceeded`. Nothing is sent (the error happens first), but:
//  - a window of a stored value inside such an input does not trip the wire: no suspension, no
//    `request.attack` (the same window one level shallower suspends the principal), so a guesser can
//    probe the tripwire's edges for free and the admin never learns of it;
//  - the refusal is not on the audit trail at all (SPEC §1.9: every denial is on record), unlike
//    the documented `request.denied` / INPUT_UNSCANNABLE of an input that cannot be fully checked;
//  - the agent reads an internal error text instead of the documented refusal (BAD_INPUT).
// The MCP SDK client serialises arguments itself, so the call is written raw on the server's stdin.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecret } from '../helpers/adversarial.js';
import { CLI, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'deep-Gs8Fk3Pz7Qw2Ly6Mn9Vb4Tx5';
const DEPTH = 20_000;

let up: Listening;
let t: TempHome;
const received: string[] = [];

beforeAll(async () => {
  up = await listenOn(
    createServer((req, res) => {
      const c: Buffer[] = [];
      req.on('data', (d: Buffer) => c.push(d));
      req.on('end', () => {
        received.push(Buffer.concat(c).toString());
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    }),
  );
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url, '--placement', 'header');
});

afterAll(async () => {
  await up?.close();
  t?.cleanup();
});

/** Starts `blindfold serve`, initializes, sends `lines` raw, and returns the answers by id. */
async function rawSession(lines: string[]): Promise<{ answers: Map<number, string>; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: t.env as Record<string, string>, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const answers = new Map<number, string>();
  const waitFor = async (id: number) => {
    for (let i = 0; i < 200 && !answers.has(id); i++) {
      await new Promise((r) => setTimeout(r, 50));
      for (const line of out.split('\n')) {
        try {
          const m = JSON.parse(line) as { id?: number };
          if (typeof m.id === 'number') answers.set(m.id, line);
        } catch {
          // partial line
        }
      }
    }
  };
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'deep', version: '1' } } })}\n`);
  await waitFor(1);
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  let id = 2;
  for (const line of lines) {
    child.stdin.write(`${line.replace('"id":0', `"id":${id}`)}\n`);
    await waitFor(id++);
  }
  child.kill();
  await new Promise((r) => child.once('close', r));
  return { answers, stderr: err };
}

const callWith = (json: string) => `{"jsonrpc":"2.0","id":0,"method":"tools/call","params":{"name":"http_request","arguments":{"method":"POST","url":"${up.url}/x","json":${json}}}}`;
const legit = () => JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/call', params: { name: 'http_request', arguments: { method: 'GET', url: `${up.url}/y`, headers: { 'X-Api-Key': '<secrets.KEY>' } } } });

describe('family 1: an input nested too deep to serialise is still screened, refused and recorded', () => {
  it('a window of a stored value at the bottom of a deeply nested json argument trips the wire and is on the audit trail', async () => {
    const guess = JSON.stringify(`is it ${KEY.slice(5, 21)}`);
    const { answers, stderr } = await rawSession([callWith('['.repeat(DEPTH) + guess + ']'.repeat(DEPTH)), legit()]);
    expect(survivingWindow(stderr, KEY)).toBeNull();
    const first = answers.get(2) ?? '';
    const second = answers.get(3) ?? '';
    expect(received.filter((b) => survivingWindow(b, KEY) !== null).length, 'the guess reached the upstream').toBe(0);
    expect(first, 'the refusal quotes an internal error').not.toMatch(/call stack|INTERNAL/);
    expect(first).toMatch(/REQUEST_REFUSED|BAD_INPUT/);
    const audit = runCli(['audit', '--json'], { env: t.env });
    const entries = JSON.parse(audit.stdout) as Array<{ action: string; reason?: string }>;
    expect(
      entries.some((e) => e.action === 'request.attack' || (e.action === 'request.denied' && e.reason === 'INPUT_UNSCANNABLE')),
      'the refused deep input is not on the audit trail',
    ).toBe(true);
    // Safe outcome either way: the guesser is suspended (a tripwire), or at least nothing was sent.
    expect(second.includes('PRINCIPAL_SUSPENDED'), 'the principal that sent secret material goes on unsuspended').toBe(true);
  }, 15_000);

  it('the same input with no secret material in it is refused as bad input, not an internal error, and nothing is sent', async () => {
    expect(runCli(['clear', '--all'], { env: t.env }).code).toBe(0); // the test before suspended the principal
    const before = received.length;
    const { answers } = await rawSession([callWith('['.repeat(DEPTH) + JSON.stringify('nothing secret here') + ']'.repeat(DEPTH))]);
    const first = answers.get(2) ?? '';
    expect(first).not.toMatch(/call stack|INTERNAL/);
    expect(first).toMatch(/BAD_INPUT/);
    expect(received.length - before, 'a body nested too deeply was sent').toBe(0);
  }, 15_000);
});
