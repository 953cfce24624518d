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
import type { TempHome } from '../helpers/cli.js';

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
const shape = (r: CallToolResult) => visible(r).replace(/stdio:[\w.:-]+/g, 'P');

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
});
