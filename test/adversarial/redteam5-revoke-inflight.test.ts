// Fifth red team, team server: revocation mid-session (SPEC §8 "Revocation and expiry apply on the
// next request"; README "a token revoked … is refused from its next request on, without a
// restart, and its sessions are closed, open event streams included").
//
// The attack: revocation is enforced at the HTTP door (src/mcp/http.ts authenticates each request;
// http-recheck.ts closes the token's sessions). Closing a session closes its McpServer and
// transport, but a tool handler already running goes on: the token's core handle
// (core.as({principal, …})) knows nothing of the token, so
//  - a task run that started before the revocation runs its remaining steps afterwards, each
//    resolving and sending the secret (the suspension check, by contrast, runs before every step:
//    src/broker.ts #refuseIfSuspended with options.task);
//  - calls waiting in the principal's concurrency queue (src/policy/quotas.ts: 8 running, up to
//    1,024 waiting) leave after the revocation, one by one, as slots free up.
// An agent that senses it is about to be cut off (or simply keeps a deep queue of calls behind a
// few slow ones) keeps using the secret after the admin revoked its token. The safe behaviour: once
// the revocation is known to the server (it closed the sessions), nothing more is sent for it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const ALPHA = `rt5-rev-${randomBytes(16).toString('hex')}`;

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
const tokens: Record<string, string> = {};
const sessions: HttpSession[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function createToken(name: string): string {
  const r = runCli(['token', 'create', name, '--secrets', 'ALPHA_*', '--tasks', 'rt5-*'], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = r.stdout.trim());
}

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', stub.origin, '--inject', 'header:x-api-key:{value}');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'rt5-two-steps.yaml'),
    `name: rt5-two-steps\ndescription: A slow first step, then a second one with the same secret.\n` +
      `steps:\n` +
      `  - name: first\n    kind: http\n    method: GET\n    url: ${stub.origin}/slow?ms=2500\n    secret_name: ALPHA_KEY\n` +
      `  - name: second\n    kind: http\n    method: GET\n    url: ${stub.origin}/echo?rt5=after-revoke\n    secret_name: ALPHA_KEY\n`,
  );
  createToken('tasker');
  createToken('queuer');
  server = await startHttpServer(t.env);
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  await server?.stop();
  await stub?.close();
  if (server) expectNoTrace(server.stderr(), [ALPHA, ...Object.values(tokens)], 'server output');
  t?.cleanup();
});

async function open(name: string): Promise<HttpSession> {
  const s = await connectHttp(server.url, tokens[name], `rt5-${name}`);
  sessions.push(s);
  return s;
}

/** Waits until the stub has seen `n` requests whose URL holds `part` (at most `ms`). */
async function seen(part: string, n: number, ms = 5000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(25)) if (stub.requests.filter((r) => r.url.includes(part)).length >= n) return true;
  return false;
}

describe('redteam5: nothing is sent for a token after its revocation', () => {
  it('a task run in flight when its token is revoked sends no further step', async () => {
    const s = await open('tasker');
    const run = s.client.callTool({ name: 'rt5-two-steps', arguments: {} }, undefined, { timeout: 15_000 }).catch((e: unknown) => e);
    expect(await seen('/slow', 1)).toBe(true);
    // The admin revokes the token while the first step waits on its upstream.
    expect(runCli(['token', 'revoke', 'tasker'], { env: t.env }).code).toBe(0);
    void run; // the client is left waiting (its session is closed); what matters is what the upstream got
    await sleep(4000); // past the first step's answer, time for a second step to leave
    expect(stub.requests.filter((r) => r.url.includes('after-revoke')).map((r) => r.url), 'a step of the revoked token\'s task was sent after the revocation').toEqual([]);
  }, 20_000);

  it('calls queued behind the principal\'s concurrency slots are not sent once its token is revoked', async () => {
    const s = await open('queuer');
    const call = (path: string) =>
      s.client.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${stub.origin}${path}`, headers: { 'x-api-key': '<secrets.ALPHA_KEY>' } } }, undefined, { timeout: 15_000 }).catch((e: unknown) => e);
    // Eight calls fill the principal's running slots (DEFAULT_QUOTAS.perPrincipal), three wait behind them.
    const slow = Array.from({ length: 8 }, (_, i) => call(`/slow?ms=2500&rt5=slot${i}`));
    expect(await seen('rt5=slot', 8)).toBe(true);
    const queued = Array.from({ length: 3 }, (_, i) => call(`/echo?rt5=queued${i}`));
    await sleep(300);
    expect(stub.requests.filter((r) => r.url.includes('queued'))).toHaveLength(0);
    expect(runCli(['token', 'revoke', 'queuer'], { env: t.env }).code).toBe(0);
    void Promise.all([...slow, ...queued]);
    await sleep(4000); // past the slow calls' answers, time for the queued ones to leave
    expect(stub.requests.filter((r) => r.url.includes('queued')).map((r) => r.url), 'calls of the revoked token left after the revocation').toEqual([]);
  }, 20_000);
});
