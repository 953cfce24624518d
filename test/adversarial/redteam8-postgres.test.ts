// Red team 8: two team servers (A behind a TCP proxy that can cut its database connections, B direct)
// on one PostgreSQL database. README "Running several servers (PostgreSQL)": "A token's `--rate` is
// counted in the database (`blindfold_rates`, a bucket per token refilled by the database's clock),
// so it holds across every instance … if the database cannot count it, the call is refused (503)";
// "On the team server": "A page session lives only as long as the admin token it was opened with:
// once that token is revoked …, expired, or replaced by a new token of its name, the session's next
// request is refused (audited as `auth.denied`) and asks for a login."
//
// All held (kept as guards of src/store/postgres/rates.ts and serve.ts `stillValid`): a burst split
// across the two instances at once, token names that differ only in case, a rate query cut before
// or after the database acts on it (503, nothing sent upstream), a page session on A ended by a
// revocation or a replacement made on B's machine, or by its token replaced with an agent token.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, INITIALIZE, mcpHeaders, rawRequest, startHttpServer, toolCall, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { getPage, teamLogin } from '../helpers/redteam7-page.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { expectNoTrace } from '../helpers/traces.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const rnd = () => [...randomBytes(4)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const VALUE = `rt8-${randomBytes(24).toString('base64url')}`;
const MASTER = randomBytes(32).toString('base64');
const TOKEN = /bf_agt_[A-Za-z0-9_-]{43}/;
const N = {
  rated: `rt8-rated-${rnd()}`,
  upper: `rt8Case${rnd()}`,
  cut: `rt8-cut-${rnd()}`,
  boss: `rt8-boss-${rnd()}`,
  boss2: `rt8-bossb-${rnd()}`,
  boss3: `rt8-bossc-${rnd()}`,
};
const LOWER = N.upper.toLowerCase();

let a: TempHome;
let b: TempHome;
let proxy: TcpProxy;
let upstream: Listening;
let upstreamHits = 0;
let A: HttpServerProcess;
let B: HttpServerProcess;
const sessions: HttpSession[] = [];
const tokens: Record<string, string> = {};
const seen: string[] = [];

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: b.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = TOKEN.exec(r.stdout)![0]);
}

/**
 * A session opened by hand (initialize, initialized): unlike the SDK's client it opens no GET
 * stream afterwards, whose own rate query could reach the proxy after a trap was armed for a call.
 */
async function quietHeaders(server: HttpServerProcess, name: string): Promise<Record<string, string>> {
  const init = await rawRequest(server.url, { headers: mcpHeaders(tokens[name]), body: INITIALIZE });
  expect(init.status, init.body).toBe(200);
  const h = mcpHeaders(tokens[name], { 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
  const done = await rawRequest(server.url, { headers: h, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  expect(done.status, done.body).toBe(202);
  return h;
}

async function callHeaders(server: HttpServerProcess, name: string): Promise<Record<string, string>> {
  const s = await connectHttp(server.url, tokens[name], `rt8-${rnd()}`);
  sessions.push(s);
  return mcpHeaders(tokens[name], { 'mcp-session-id': s.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
}

beforeAll(async () => {
  upstream = await listenOn(
    createServer((_req, res) => {
      upstreamHits++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    }),
  );
  const url = await freshDatabase();
  proxy = await tcpProxy(url);
  a = tempHome({ BLINDFOLD_STORE: proxy.url, BLINDFOLD_MASTER_KEY: MASTER });
  b = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  expect(runCli(['init'], { env: b.env }).code).toBe(0);
  const set = runCli(['set', 'RT8_KEY', '--host', upstream.url, '--inject', 'header:x-api-key:{value}'], { env: b.env, input: VALUE });
  expect(set.code, set.stderr).toBe(0);
  createToken(N.rated, '--secrets', 'RT8_*', '--rate', '4/min');
  createToken(N.upper, '--secrets', 'RT8_*', '--rate', '1/min');
  createToken(LOWER, '--secrets', 'RT8_*', '--rate', '1/min');
  createToken(N.cut, '--secrets', 'RT8_*', '--rate', '100/min');
  createToken(N.boss, '--admin');
  createToken(N.boss2, '--admin');
  createToken(N.boss3, '--admin');
  [A, B] = await Promise.all([startHttpServer(a.env), startHttpServer(b.env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  await Promise.all([A?.stop(), B?.stop()]);
  await proxy?.stop();
  await upstream?.close();
  expectNoTrace([A?.stderr() ?? '', B?.stderr() ?? '', ...seen].join('\n'), [VALUE], 'server output and pages');
  a?.cleanup();
  b?.cleanup();
});

const statusOf = (r: { status: number }) => r.status;

describe("redteam8: a token's --rate in PostgreSQL (held)", () => {
  it('a burst of 16 calls sent at once, 8 to each instance, passes at most the 4 of a 4/min token', async () => {
    const [ha, hb] = await Promise.all([callHeaders(A, N.rated), callHeaders(B, N.rated)]);
    const started = Date.now();
    const all = await Promise.all(Array.from({ length: 16 }, (_, i) => rawRequest(i % 2 ? B.url : A.url, { headers: i % 2 ? hb : ha, body: toolCall(100 + i, 'list_secrets') })));
    const statuses = all.map(statusOf);
    const refill = Math.floor(((Date.now() - started) / 60_000) * 4);
    expect(statuses.filter((s) => s !== 200 && s !== 429), statuses.join(' ')).toEqual([]);
    expect(statuses.filter((s) => s === 200).length, statuses.join(' ')).toBeLessThanOrEqual(4 + refill);
    expect(all.find((r) => r.status === 429)?.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('two tokens whose names differ only in case have a bucket each (no collision either way)', async () => {
    const [hu, hl] = await Promise.all([callHeaders(A, N.upper), callHeaders(B, LOWER)]);
    const first = [await rawRequest(A.url, { headers: hu, body: toolCall(1, 'list_secrets') }), await rawRequest(B.url, { headers: hl, body: toolCall(1, 'list_secrets') })].map(statusOf);
    expect(first).toEqual([200, 200]);
    // The second call of each: its own bucket is empty (429), the other's first call took nothing from it.
    const again = [await rawRequest(A.url, { headers: hu, body: toolCall(3, 'list_secrets') }), await rawRequest(B.url, { headers: hl, body: toolCall(3, 'list_secrets') })].map(statusOf);
    expect(again).toEqual([429, 429]);
  });

  it('a batch of two tool calls from a 1/min token is refused whole; odd rates are refused at creation', async () => {
    const name = `rt8-batch-${rnd()}`;
    createToken(name, '--secrets', 'RT8_*', '--rate', '1/min');
    const h = await callHeaders(B, name);
    const hits = upstreamHits;
    const one = { method: 'GET', url: `${upstream.url}/rt8`, headers: { 'x-api-key': '<secrets.RT8_KEY>' } };
    const batch = `[${toolCall(1, 'http_request', one)},${toolCall(2, 'http_request', one)}]`;
    const r = await rawRequest(B.url, { headers: h, body: batch });
    seen.push(r.body);
    expect(r.status, r.body).not.toBe(200);
    expect(upstreamHits - hits).toBe(0);
    for (const rate of ['0/min', '-1/min', '1e3/min', '1000001/min', '0.5/min', '30/h', '1/ms', 'Infinity/min']) {
      const made = runCli(['token', 'create', `rt8-odd-${rnd()}`, '--rate', rate], { env: b.env });
      expect(made.code, rate).toBe(2);
      expect(made.stdout, rate).not.toMatch(TOKEN);
    }
  });

  for (const forward of [false, true]) {
    it(`the rate's query cut ${forward ? 'after the database took it' : 'before it reached the database'}: 503, nothing sent upstream; the next call passes`, async () => {
      const h = await quietHeaders(A, N.cut);
      const call = (id: number) => rawRequest(A.url, { headers: h, body: toolCall(id, 'http_request', { method: 'GET', url: `${upstream.url}/rt8`, headers: { 'x-api-key': '<secrets.RT8_KEY>' } }) });
      const hits = upstreamHits;
      proxy.cutOn('blindfold_rates', forward);
      const r = await call(10);
      seen.push(r.body);
      expect(r.status, r.body).toBe(503);
      expect(r.headers['retry-after']).toBeDefined();
      expect(upstreamHits - hits, 'a call whose rate could not be counted was sent').toBe(0);
      let after = 0;
      for (let i = 0; i < 20 && after !== 200; i++) {
        after = (await call(20 + i)).status;
        if (after !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(after).toBe(200);
      expect(upstreamHits - hits).toBe(1);
    }, 30_000);
  }
});

describe('redteam8: a page session on A ends with its admin token changed on B (held)', () => {
  const originOf = (s: HttpServerProcess) => new URL(s.url).origin;

  it('revoked on B: the session on A is refused on its next request', async () => {
    const login = await teamLogin(originOf(A), tokens[N.boss]!);
    expect(login.status).toBe(303);
    expect((await getPage(originOf(A), '/ui/tokens', login.cookie)).status).toBe(200);
    expect(runCli(['token', 'revoke', N.boss], { env: b.env }).code).toBe(0);
    const r = await getPage(originOf(A), '/ui/tokens', login.cookie);
    seen.push(r.body);
    expect(r.status).toBe(401);
    // "(audited as `auth.denied`)"
    const audit = runCli(['audit', '--json', '--action', 'auth.denied'], { env: b.env });
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/"principal":\s*"ui:[0-9a-f]+"[^}]*revoked, expired or replaced|revoked, expired or replaced[^}]*"principal":\s*"ui:[0-9a-f]+"/);
  });

  it('revoked and created again with the same name and --admin on B: the old session on A is refused', async () => {
    const login = await teamLogin(originOf(A), tokens[N.boss2]!);
    expect(login.status).toBe(303);
    expect(runCli(['token', 'revoke', N.boss2], { env: b.env }).code).toBe(0);
    createToken(N.boss2, '--admin');
    const r = await getPage(originOf(A), '/ui/tokens', login.cookie);
    seen.push(r.body);
    expect(r.status).toBe(401);
    expect((await teamLogin(originOf(A), tokens[N.boss2]!)).status).toBe(303); // the new token logs in
  });

  it('replaced by an agent token of the same name (no --admin): the session is refused', async () => {
    const login = await teamLogin(originOf(B), tokens[N.boss3]!);
    expect(login.status).toBe(303);
    // A's machine (its database connection goes through the proxy in this process: not a blocking spawn).
    const revoked = await runCliAsync(['token', 'revoke', N.boss3], { env: a.env }).done;
    expect(revoked.code, revoked.stderr).toBe(0);
    createToken(N.boss3, '--secrets', 'RT8_*');
    const r = await getPage(originOf(B), '/ui/tokens', login.cookie);
    seen.push(r.body);
    expect(r.status).toBe(401);
  });
});
