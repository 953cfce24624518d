// Red team 11: what the MCP SDK does with a tools/call before Blindfold's handler runs.
//
// Mechanism: McpServer's CallTool handler (node_modules/@modelcontextprotocol/sdk, server/mcp.js)
// looks the tool up by name and parses the arguments with the tool's zod shape before calling the
// registered handler; Blindfold screens agent input (Broker.screenInput via httpRequest, runTask,
// requestSecret) only inside that handler, on the parsed arguments. So a guess in
//  - the tool name ("MCP error -32602: Tool <name> not found"),
//  - an argument that fails the schema (zod's path quotes record keys: "... at headers.<key>"),
//  - an argument key the schema does not know (zod strips it before the handler sees it), or a
//    header named `__proto__` (the record zod builds drops a string set on `__proto__`),
// is echoed back verbatim (the first two) and never trips the wire: no refusal, no request.attack,
// no suspension (promise 4a: "secret material in what an agent sends ... suspends"; the runner's
// own comment in src/tasks/runner.ts says schema errors must come after the screen for this reason).
// No oracle: a right and a wrong guess are echoed alike; the gap is the missing tripwire.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome, type Listening } from '../helpers/upstream.js';
import type { TempHome } from '../helpers/cli.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt11-k9Qm2Zp7Lx4Vb8Nc3Rt6Wy1Hd5Jf0Gs';
const GUESS = KEY.slice(5, 19);
let up: Listening;
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  up = await listenOn(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')));
});
afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

async function guessedThen(send: (s: StdioSession) => Promise<unknown>): Promise<{ first: string; next: string }> {
  const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
  let first: string;
  try {
    first = JSON.stringify(await send(s));
  } catch (err) {
    first = String(err);
  }
  const next = visible(await s.call('http_request', { method: 'GET', url: `${up.url}/after` }));
  return { first, next };
}

describe('redteam11: a guess the SDK handles before the tool handler trips the wire', () => {
  it('in the tool name', async () => {
    const { first, next } = await guessedThen((s) => s.client.callTool({ name: `lookup_${GUESS}`, arguments: {} }));
    expect(survivingWindow(first, KEY), first).toBeNull();
    expect(next).toContain('PRINCIPAL_SUSPENDED');
  });

  it('in a header name whose value fails the schema', async () => {
    const { first, next } = await guessedThen((s) => s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { [GUESS]: 5 } }));
    expect(survivingWindow(first, KEY), first).toBeNull();
    expect(next).toContain('PRINCIPAL_SUSPENDED');
  });

  it('in a header named __proto__ (the parsed record drops it)', async () => {
    const { next } = await guessedThen((s) => s.call('http_request', JSON.parse(`{"method":"GET","url":"${up.url}/x","headers":{"__proto__":"${GUESS}"}}`) as Record<string, unknown>));
    expect(next).toContain('PRINCIPAL_SUSPENDED');
  });

  it('in an argument key the schema strips', async () => {
    const { next } = await guessedThen((s) => s.call('http_request', { method: 'GET', url: `${up.url}/x`, [GUESS]: 'note' }));
    expect(next).toContain('PRINCIPAL_SUSPENDED');
  });
});
