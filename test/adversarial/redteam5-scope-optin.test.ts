// Fifth red team, team server principal isolation (SPEC §8; README promises 5 and 13).
//
// The attack: the address guard (promise 5) lets a request reach a loopback or private address
// when "the admin named that exact origin in a secret's host list". The set of such origins is
// built from the whole vault's listing (src/policy/hosts.ts OriginOptIns over vault.list(), in
// src/broker.ts), not from the calling principal's scope. A token scoped to ALPHA_* therefore
// reaches an internal service that only another team's secret (BETA_INTERNAL, outside its scope)
// is bound to — with no secret at all, an unauthenticated SSRF into that service — and learns
// from the answer that such a binding exists. Promise 13 says a secret outside the scope is "as
// if it did not exist": were BETA_INTERNAL absent, the same call would be refused
// ADDRESS_NOT_ALLOWED with no connection made.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const ALPHA = `rt5-alpha-${randomBytes(16).toString('hex')}`;
const BETA = `rt5-beta-${randomBytes(16).toString('hex')}`;

let t: TempHome;
/** The other team's internal service, on loopback: only BETA_INTERNAL is bound to it. */
let internal: Stub;
/** A loopback service nothing is bound to (the control: refused for everyone). */
let unbound: Stub;
let server: HttpServerProcess;
const tokens: Record<string, string> = {};
const sessions: HttpSession[] = [];

beforeAll(async () => {
  internal = await startStub();
  unbound = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', 'https://api.example.com');
  await seedSecret(t.env, 'BETA_INTERNAL', BETA, '--host', internal.origin);
  for (const [name, glob] of [
    ['alpha', 'ALPHA_*'],
    ['beta', 'BETA_*'],
  ] as const) {
    const r = runCli(['token', 'create', name, '--secrets', glob], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    tokens[name] = r.stdout.trim();
  }
  server = await startHttpServer(t.env);
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  await server?.stop();
  await internal?.close();
  await unbound?.close();
  if (server) expectNoTrace(server.stderr(), [ALPHA, BETA, ...Object.values(tokens)], 'server output');
  t?.cleanup();
});

async function open(name: string): Promise<HttpSession> {
  const s = await connectHttp(server.url, tokens[name], `rt5-${name}`);
  sessions.push(s);
  return s;
}

describe('redteam5: the address guard\'s opt-ins follow the principal\'s scope', () => {
  it('control: a loopback origin no secret names is refused for a scoped token, nothing connected', async () => {
    const alpha = await open('alpha');
    const r = await alpha.call('http_request', { method: 'GET', url: `${unbound.origin}/admin/users` });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    expect(unbound.requests).toHaveLength(0);
    expect(unbound.connections()).toBe(0);
  });

  it('the token whose secret names the internal origin may reach it (the opt-in is the admin\'s)', async () => {
    const beta = await open('beta');
    const r = await beta.call('http_request', { method: 'GET', url: `${internal.origin}/echo`, headers: { 'x-api-key': '<secrets.BETA_INTERNAL>' } });
    expect(r.isError, visible(r)).toBeFalsy();
    internal.reset();
  });

  it('a token scoped to ALPHA_* cannot reach the loopback origin that only BETA_INTERNAL (outside its scope) is bound to', async () => {
    const alpha = await open('alpha');
    internal.reset();
    const r = await alpha.call('http_request', { method: 'GET', url: `${internal.origin}/admin/users` });
    // As if BETA_INTERNAL did not exist: the same refusal as for the unbound loopback origin, and
    // the internal service never hears of the call.
    expect(internal.requests, 'the scoped token reached another team\'s internal service').toHaveLength(0);
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
  });
});
