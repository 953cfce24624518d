// Third red team of issue 18, family 2 (oracle) on the team server (SPEC §8, README promise 13):
// the pre-send refusal oracle of redteam3-oracle.test.ts reaches values outside the principal's
// scope. A token scoped to ALPHA_* uses ALPHA_KEY in a refused request (its own secret, used where
// it may not go) and writes its guess backwards where the refusal quotes it (a query parameter's
// name). The message is replaced ("held secret material") only when the guess is a window of some
// value in the vault — here BETA_KEY, another team's secret it cannot see — and nothing trips: the
// input tripwire ignores backwards hits and refusals before sending are never judged. From an
// 11-character hint, BETA_KEY comes back whole, one character at a time. Its MCP log notification
// (logging/setLevel, sent by the agent's own MCP client) of the same refusal shows a marker in the
// origin as well (an anonymous `[REDACTED]` here: the name outside the scope is hidden, the hit is not).
// Closed by mechanism: a refusal raised before sending that holds secret material trips the wire
// like an input (AnswerJudge.failure), and a log notification carries no field of text the agent
// chose (src/mcp/server.ts forAgent). Each test failed before those two changes.
import { randomBytes } from 'node:crypto';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBack } from '../helpers/adversarial.js';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const ALPHA = `sk_live_${randomBytes(18).toString('hex')}`;
const BETA = `ghp_${randomBytes(18).toString('hex')}`;
const SECRET_PART = BETA.slice('ghp_'.length);
const HEX = '0123456789abcdef';
const rev = (s: string) => [...s].reverse().join('');

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
let token = '';
const sessions: HttpSession[] = [];

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', stub.origin);
  await seedSecret(t.env, 'BETA_KEY', BETA, '--host', stub.origin);
  const r = runCli(['token', 'create', 'alpha', '--secrets', 'ALPHA_*'], { env: t.env });
  expect(r.code).toBe(0);
  token = r.stdout.trim();
  server = await startHttpServer(t.env);
}, 60_000);

afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => {});
  await server?.stop();
  await stub?.close();
  if (server) expectNoTrace(server.stderr(), [ALPHA, BETA, token], 'server output');
  t?.cleanup();
});

const open = async () => {
  const s = await connectHttp(server.url, token, 'scoped-agent');
  sessions.push(s);
  return s;
};
/** ALPHA_KEY may go in headers only: putting it in a query parameter is refused, quoting the parameter's name. */
const ask = (s: HttpSession, guess: string) => s.call('http_request', { method: 'GET', url: `${stub.origin}/x`, query: { [rev(guess)]: '<secrets.ALPHA_KEY>' } });
const text = (r: Awaited<ReturnType<typeof ask>>) => JSON.stringify(r.content);
const hidden = (r: Awaited<ReturnType<typeof ask>>) => /held secret material/.test(text(r));
const tripped = (r: Awaited<ReturnType<typeof ask>>) => /suspend|tripwire/i.test(text(r));

describe('redteam3: a scoped token reads another team\'s value through refusals', () => {
  it('BETA_KEY (outside the token\'s scope) is not read back from an 11-character hint: its first right guess trips the wire', async () => {
    const s = await open();
    // The hint: 11 secret-bearing characters, shorter than a window (a masked display, a log excerpt).
    const { known } = await readBack(SECRET_PART.slice(0, 11), SECRET_PART.length, HEX, async (guess) => {
      const r = await ask(s, guess);
      return tripped(r) ? 'tripped' : hidden(r) ? 'hit' : 'miss';
    });
    const still = await s.call('http_request', { method: 'GET', url: `${stub.origin}/x`, headers: { 'x-api-key': '<secrets.ALPHA_KEY>' } });
    expect(known === SECRET_PART && !still.isError).toBe(false);
  }, 120_000);

  it('the log notification of a refusal is the same for a right and a wrong guess at a value outside the scope', async () => {
    const s = await open();
    const notes: string[] = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      notes.push(JSON.stringify(n.params.data));
    });
    await s.client.setLoggingLevel('warning');
    const view = async (guess: string) => {
      notes.length = 0;
      const r = await s.call('http_request', { method: 'GET', url: `https://${rev(guess)}.example.net/`, headers: { 'x-api-key': '<secrets.ALPHA_KEY>' } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const shape = (x: string) => x.replace(/"time":\d+/g, '').replace(/https:\/\/[^"]*\.example\.net/g, (o) => (/\[REDACTED[^\]]*\]/.exec(o)?.[0] ?? 'PLAIN'));
      return { result: shape(hidden(r) ? 'HIDDEN' : 'SHOWN'), notes: shape(notes.join('\n')) };
    };
    const wrong = await view(`${SECRET_PART.slice(0, 11)}${SECRET_PART[11] === '0' ? '1' : '0'}`);
    const right = await view(SECRET_PART.slice(0, 12));
    expect(right).toEqual(wrong);
  });
});
