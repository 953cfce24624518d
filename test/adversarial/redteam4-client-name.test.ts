// Fourth red team of issue 18, family 2 (the wall as an oracle): the client's own name. A stdio
// server names its principal after the name the client gives at MCP initialize
// (src/mcp/stdio.ts stdioPrincipalId: `stdio:<client name>:<instance>`, 48 characters of
// [A-Za-z0-9_.-]), and nothing screens that name: it is no tool input, so the tripwire never sees
// it, forwards or backwards. Every log line carries the principal and is redacted
// (broker.ts addLogScrubber), and a client that sent `logging/setLevel` is given the lines whose
// `principal` equals its own id (src/mcp/server.ts isOwnLine). With a window of a value in the
// client name, the line's principal reads `stdio:[REDACTED:OTHER]:…`, no longer its own id, and the
// notification is not sent: a right guess gets no notifications, a wrong one gets them. No tool
// call says anything different, nothing trips (the guess is in no input), no allowance is spent.
// Each guess costs one connection (a new `blindfold serve`), which an agent running its own MCP
// client (a shell, as in redteam3's log channels) starts at will; a membership oracle for
// 12-character windows with no bound, forwards spelling and all.
// What it presupposes: the client's name is chosen by whoever runs the MCP client. A chat client
// (Claude Desktop, an IDE) names itself; an agent can choose it only by starting `blindfold serve`
// itself, which on a local vault means running as the vault's OS user, whom the README ("Agents
// with a shell") already counts as able to read the key. So this is a break of the wall's own
// rule (server.ts forAgent: no field of text the agent chose), not of a promised set-up; the team
// server names its principals from tokens and is not affected.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecret } from '../helpers/adversarial.js';
import { CLI, tempHome, type TempHome } from '../helpers/cli.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt4-cli-Vb6Nq3Xr8Tk1Wz5Jm2Lp9Hc4';
// A value the agent never places (bound to another origin): lowercase base36, 28 characters.
const OTHER = 'p8c3x6k1w9r4n7b2t5m0q8z3v6j1';

let t: TempHome;
const stderrs: string[] = [];

beforeAll(async () => {
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', 'https://api.example.com');
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
});

afterAll(() => {
  for (const e of stderrs) for (const v of [KEY, OTHER]) expect(survivingWindow(e, v)).toBeNull();
  t.cleanup();
});

/** One connection whose client calls itself `name`, asks for warnings, makes one refused call (or `args`); what it saw. */
async function connectAs(name: string, args?: Record<string, unknown>): Promise<{ result: string; notes: string[] }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve'], env: t.env as Record<string, string>, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name, version: '1.0.0' });
  const notes: string[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    notes.push(JSON.stringify(n.params.data));
  });
  await client.connect(transport);
  try {
    await client.setLoggingLevel('warning');
    // A plain refusal: a name that does not exist (nothing of the guess in it).
    const r = (await client.callTool({ name: 'http_request', arguments: args ?? { method: 'GET', url: 'https://api.example.com/x', headers: { 'x-api-key': '<secrets.NOPE>' } } })) as CallToolResult;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { result: JSON.stringify(r.content), notes };
  } finally {
    await client.close();
    stderrs.push(stderr);
  }
}

describe('redteam4: a guess in the MCP client\'s own name', () => {
  it.fails('a client named after a right guess is told what a client named after a wrong guess is told', async () => {
    const wrong = await connectAs(`a-${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await connectAs(`a-${OTHER.slice(0, 12)}`);
    // The wrong guess is told of its refusal…
    expect(wrong.result).toMatch(/SECRET_NOT_FOUND/);
    expect(wrong.notes.some((n) => n.includes('request refused'))).toBe(true);
    // …and nothing trips for the right one: its tool result is the same.
    expect(right.result).toBe(wrong.result);
    // The safe behaviour: the same notifications (before a fix: none at all for the right guess,
    // its redacted principal no longer its own).
    expect(right.notes.length).toBe(wrong.notes.length);
  }, 60_000);
});

describe('redteam4: a guess in the MCP client\'s own name, while every stdio principal is suspended', () => {
  // A second stdio suspension within a day suspends every stdio principal of the home (`stdio:*`,
  // policy/suspensions.ts). From then on every call of every new connection is refused with
  // PRINCIPAL_SUSPENDED, whose message quotes the principal's id: AnswerJudge.failure screens it
  // (a refusal raised before sending), and when the id holds a window of a value (a right guess in
  // the client's name) it "trips the wire" again and answers REQUEST_REFUSED instead. A wrong guess
  // gets PRINCIPAL_SUSPENDED. No notification needed: the tool result itself answers, one guess per
  // connection, for as long as the home stays suspended (the agent suspended it on purpose).
  // Closed since every tools/call is screened as sent, before the SDK reads it
  // (src/mcp/screen-calls.ts): a suspended principal is refused there, alike for every name.
  it('while stdio:* is suspended, a client named after a right guess gets the same refusal as one named after a wrong guess', async () => {
    // Two trips of two clients: a window of OTHER forwards in an input.
    const trip = { method: 'GET', url: `https://api.example.com/${OTHER.slice(3, 17)}` };
    for (const n of ['tripper-one', 'tripper-two']) expect((await connectAs(n, trip)).result).toMatch(/REQUEST_REFUSED/);
    const plain = { method: 'GET', url: 'https://api.example.com/x', headers: { 'x-api-key': '<secrets.KEY>' } };
    const wrong = await connectAs(`b-${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`, plain);
    const right = await connectAs(`b-${OTHER.slice(0, 12)}`, plain);
    // The wildcard holds: the wrong guess is refused as suspended.
    expect(wrong.result).toMatch(/PRINCIPAL_SUSPENDED/);
    const code = (r: string) => /(PRINCIPAL_SUSPENDED|REQUEST_REFUSED)/.exec(r)?.[1];
    // The same refusal (before the fix: REQUEST_REFUSED for the right guess only).
    expect(code(right.result)).toBe(code(wrong.result));
  }, 60_000);
});
