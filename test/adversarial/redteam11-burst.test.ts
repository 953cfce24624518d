// Red team 11: the tripwire on agent INPUT under a burst of concurrent calls on one MCP session.
//
// Mechanism: Broker.#screen checks the suspension when a call starts, then AnswerJudge.screenInput
// scans. In a burst every call passes the start check; each call whose input holds a right guess
// ends in tripwireRefusal (REQUEST_REFUSED, "its input held secret material"), and each call with
// a wrong guess goes on and ends in suspendedRefusal (PRINCIPAL_SUSPENDED) at AnswerJudge.judge.
// Two different answers, partitioned exactly by right/wrong: group testing on input (16 calls,
// call i holding the candidates whose bit i is set, name one of 65,536 in one round trip).
// redteam-oracle.test.ts covers the same shape for pieces in answers, not for input.
import { createServer } from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome, type Listening } from '../helpers/upstream.js';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, mcpHeaders, rawRequest, startHttpServer, toolCall } from '../helpers/http-server.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt11-k9Qm2Zp7Lx4Vb8Nc3Rt6Wy1Hd5Jf0Gs';
let up: Listening;
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  up = await listenOn(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')));
});
afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

/** The text of a result with the principal's id taken out (it is the same in every call anyway). */
const shape = (r: CallToolResult) => visible(r).replace(/(stdio|token):[\w.:-]+/g, 'P');

/** Right-guess calls whose view no wrong-guess call of the same burst shows: at most one is "the suspension itself". */
function tellable(right: CallToolResult[], wrong: CallToolResult[]): number {
  const wrongViews = new Set(wrong.map(shape));
  return right.filter((r) => !wrongViews.has(shape(r))).length;
}

describe('redteam11: input guesses in one burst on one stdio session', () => {
  it('right and wrong guesses sent together are answered alike, past the one call that tripped', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    // Even calls carry a window of the value (right guesses), odd ones a wrong guess of the same shape.
    const guesses = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? KEY.slice(5 + i, 19 + i) : `Qz${i}wq8Lp3Xv7Mn`));
    const burst = await Promise.all(guesses.map((g) => s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-note': g } })));
    const right = burst.filter((_, i) => i % 2 === 0);
    const wrong = burst.filter((_, i) => i % 2 === 1);
    expect(tellable(right, wrong), burst.map(shape).join('\n')).toBeLessThanOrEqual(1);
  });

  // A wrong guess's call that fails before anything is sent ends in AnswerJudge.failure, which does
  // not look at the suspension at all: its own refusal (here BAD_INPUT for the scheme) is shown.
  it('also when the calls would be refused before sending (failure path)', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    const guesses = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? KEY.slice(5 + i, 19 + i) : `Qz${i}wq8Lp3Xv7Mn`));
    const burst = await Promise.all(guesses.map((g) => s.call('http_request', { method: 'GET', url: 'ftp://example.invalid/x', headers: { 'x-note': g } })));
    const right = burst.filter((_, i) => i % 2 === 0);
    const wrong = burst.filter((_, i) => i % 2 === 1);
    expect(tellable(right, wrong), burst.map(shape).join('\n')).toBeLessThanOrEqual(1);
  });
});

describe('redteam11: input guesses in one JSON-RPC batch on the team server', () => {
  // The same mechanism through one HTTP POST whose body is a JSON-RPC batch (the SDK's Streamable
  // HTTP transport still takes arrays): the answers come back together, one per id.
  it('the answers of a batch do not split along right and wrong guesses', { timeout: 60_000 }, async () => {
    const t = tempHome();
    try {
      expect(runCli(['init'], { env: t.env }).code).toBe(0);
      const set = runCli(['set', 'KEY', '--host', up.url], { env: t.env, input: KEY });
      expect(set.code, set.stderr).toBe(0);
      const made = runCli(['token', 'create', 'rt11', '--secrets', 'KEY'], { env: t.env });
      expect(made.code, made.stderr).toBe(0);
      const token = /bf_agt_[A-Za-z0-9_-]{43}/.exec(made.stdout)![0];
      const server = await startHttpServer(t.env);
      try {
        const session = await connectHttp(server.url, token, 'rt11-batch');
        const guesses = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? KEY.slice(5 + i, 19 + i) : `Qz${i}wq8Lp3Xv7Mn`));
        const batch = guesses.map((g, i) => JSON.parse(toolCall(100 + i, 'http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-note': g } })) as unknown);
        const headers = mcpHeaders(token, { 'mcp-session-id': session.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
        const r = await rawRequest(server.url, { headers, body: JSON.stringify(batch) });
        expect(r.status).toBe(200);
        const answers = new Map<number, CallToolResult>();
        const lines = r.body.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim());
        for (const m of (lines.length ? lines.map((l) => JSON.parse(l) as unknown) : [JSON.parse(r.body) as unknown]).flat()) {
          const { id, result, error } = m as { id: number; result?: CallToolResult; error?: unknown };
          answers.set(id, result ?? ({ content: [{ type: 'text', text: JSON.stringify(error) }] } as CallToolResult));
        }
        expect(answers.size).toBe(8);
        const all = guesses.map((_, i) => answers.get(100 + i)!);
        for (const a of all) expect(survivingWindow(visible(a), KEY)).toBeNull();
        const right = all.filter((_, i) => i % 2 === 0);
        const wrong = all.filter((_, i) => i % 2 === 1);
        expect(tellable(right, wrong), all.map(shape).join('\n')).toBeLessThanOrEqual(1);
        await session.close().catch(() => {});
      } finally {
        await server.stop();
        expect(survivingWindow(server.stderr(), KEY)).toBeNull();
      }
    } finally {
      t.cleanup();
    }
  });
});
