// Red team 7, two team servers (A and B) on ONE PostgreSQL database, as README "Running several
// servers (PostgreSQL)" describes them: "the vault, its tokens, the suspension list and the audit
// trail move into one PostgreSQL database, and every instance is stateless beside it".
//
// Found (fixed since: both are counted in the database now): the limits that count requests are kept in each process's memory, not
// in the database, so an agent behind a load balancer gets them once per instance:
//  - a token's `--rate` (src/mcp/http.ts: `const rates = new RateLimiter()`, src/mcp/http-rate.ts
//    keeps its buckets in a Map): with two instances, twice the calls per minute. README: "The
//    token's rate (`--rate`) counts tool calls …: past it, **429** with `Retry-After`"; "every
//    instance is stateless beside it".
//  - the admin page's wrong-login limit (src/ui/sessions.ts `#attempts`, one per process): README
//    "Wrong attempts are rate limited: each is audited, and past 10 a minute they get 429, audited
//    once a minute".
// Held (kept as guards): the partial-hit allowance and the suspension it leads to are shared;
// a secret removed through the CLI is refused by both instances on the next call; a token created
// on one machine works on the other; the audit chain written by both at once verifies.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, rawRequest, mcpHeaders, startHttpServer, toolCall, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { expectNoTrace } from '../helpers/traces.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const VALUE = `rt7-${randomBytes(24).toString('base64url')}`;
const OTHER = `rt7-${randomBytes(24).toString('base64url')}`;
const MASTER = randomBytes(32).toString('base64');
const TOKEN = /bf_agt_[A-Za-z0-9_-]{43}/;

let a: TempHome;
let b: TempHome;
let upstream: Listening;
const seenKeys: string[] = [];
const servers: HttpServerProcess[] = [];
const sessions: HttpSession[] = [];
const outputs: string[] = [];
const tokens: Record<string, string> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function createToken(home: TempHome, name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: home.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = TOKEN.exec(r.stdout)![0]);
}

async function open(server: HttpServerProcess, name: string): Promise<HttpSession> {
  const s = await connectHttp(server.url, tokens[name], `rt7-${name}`);
  sessions.push(s);
  return s;
}

beforeAll(async () => {
  // A careless upstream: /piece answers with 16 characters from the middle of the key it was sent.
  upstream = await listenOn(
    createServer((req, res) => {
      const key = String(req.headers['x-api-key'] ?? '');
      seenKeys.push(key);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.url?.startsWith('/piece') ? `debug: key starts ${key.slice(8, 24)}\n` : 'ok\n');
    }),
  );
  const url = await freshDatabase();
  a = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  b = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  expect(runCli(['init'], { env: b.env }).code).toBe(0);
  for (const [name, value] of [['RT7_KEY', VALUE], ['RT7_GONE', OTHER]] as const) {
    const r = runCli(['set', name, '--host', upstream.url, '--inject', 'header:x-api-key:{value}'], { env: b.env, input: value });
    expect(r.code, r.stderr).toBe(0);
  }
  createToken(b, 'rated', '--secrets', 'RT7_*', '--rate', '2/min');
  createToken(b, 'guesser', '--secrets', 'RT7_*');
  createToken(b, 'worker', '--secrets', 'RT7_*');
  createToken(b, 'boss', '--admin');
  servers.push(await startHttpServer(a.env), await startHttpServer(b.env));
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  await Promise.all(servers.map((s) => s.stop()));
  await upstream?.close();
  outputs.push(...servers.map((s) => s.stderr()));
  expectNoTrace(outputs.join('\n'), [VALUE, OTHER], 'server output and agent views');
  a?.cleanup();
  b?.cleanup();
});

// Both limits are now counted in the database (src/store/postgres/rates.ts): held.
describe('redteam7: limits across the two instances', () => {
  it("a token's --rate holds across the two instances (2/min: at most 2 calls in all, then 429)", async () => {
    let passed = 0;
    const statuses: string[] = [];
    for (const [i, server] of servers.entries()) {
      const s = await open(server, 'rated');
      const headers = mcpHeaders(tokens.rated, { 'mcp-session-id': s.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
      for (let n = 0; n < 3; n++) {
        const r = await rawRequest(server.url, { headers, body: toolCall(10 + n, 'list_secrets') });
        statuses.push(`${i === 0 ? 'A' : 'B'}:${r.status}`);
        if (r.status === 200) passed++;
        else expect(r.status).toBe(429);
      }
    }
    expect(passed, `calls of a 2/min token that passed (${statuses.join(' ')})`).toBeLessThanOrEqual(2);
  });

  it("the admin page's limit of 10 wrong logins a minute holds across the two instances", async () => {
    const wrong = async (server: HttpServerProcess) => {
      const origin = new URL(server.url).origin;
      const r = await rawRequest(`${origin}/ui/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: `token=bf_agt_${randomBytes(32).toString('base64url')}`,
      });
      return r.status;
    };
    const onA: number[] = [];
    for (let i = 0; i < 11; i++) onA.push(await wrong(servers[0]!));
    expect(onA.slice(0, 10).every((s) => s === 403)).toBe(true);
    expect(onA[10]).toBe(429); // the limit, on one instance
    const onB: number[] = [];
    for (let i = 0; i < 10; i++) onB.push(await wrong(servers[1]!));
    expect(onB.filter((s) => s !== 429).length, `wrong logins past the limit not refused on the other instance (${onB.join(' ')})`).toBe(0);
  });
});

describe('redteam7: shared state honoured by both instances (held)', () => {
  it('the partial-hit allowance is one for both instances: the fourth piece, on either, suspends the token', async () => {
    const [onA, onB] = [await open(servers[0]!, 'guesser'), await open(servers[1]!, 'guesser')];
    const piece = (s: HttpSession) => s.call('http_request', { method: 'GET', url: `${upstream.url}/piece`, headers: { 'x-api-key': '<secrets.RT7_KEY>' } });
    const views: string[] = [];
    for (const s of [onA, onB, onA]) {
      const r = await piece(s);
      views.push(JSON.stringify(r));
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
      expect((r.structuredContent as { withheld?: boolean }).withheld).toBe(true);
    }
    const fourth = await piece(onB);
    views.push(JSON.stringify(fourth));
    outputs.push(...views);
    const listed = runCli(['suspended', '--json'], { env: a.env });
    expect(listed.stdout).toContain('token:guesser');
    const sent = seenKeys.length;
    const after = await onA.call('http_request', { method: 'GET', url: `${upstream.url}/ok`, headers: { 'x-api-key': '<secrets.RT7_KEY>' } });
    outputs.push(JSON.stringify(after));
    expect(JSON.stringify(after)).toContain('PRINCIPAL_SUSPENDED');
    expect(seenKeys.length).toBe(sent);
  });

  it('a secret removed through the CLI is refused by both instances on the next call; a token made on A works on B', async () => {
    createToken(a, 'late', '--secrets', 'RT7_*');
    const [onA, onB] = [await open(servers[0]!, 'worker'), await open(servers[1]!, 'late')];
    for (const s of [onA, onB]) {
      const r = await s.call('http_request', { method: 'GET', url: `${upstream.url}/ok`, headers: { 'x-api-key': '<secrets.RT7_GONE>' } });
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
    }
    const removed = runCli(['rm', 'RT7_GONE', '--force'], { env: a.env });
    expect(removed.code, removed.stderr).toBe(0);
    const sent = seenKeys.length;
    for (const s of [onA, onB]) {
      const r = await s.call('http_request', { method: 'GET', url: `${upstream.url}/ok`, headers: { 'x-api-key': '<secrets.RT7_GONE>' } });
      outputs.push(JSON.stringify(r));
      expect(r.isError, JSON.stringify(r)).toBe(true);
    }
    expect(seenKeys.length).toBe(sent);
  });

  it('calls on both instances at once, and CLI changes meanwhile, leave one audit chain that verifies', async () => {
    const [onA, onB] = [await open(servers[0]!, 'worker'), await open(servers[1]!, 'worker')];
    const before = seenKeys.length;
    const calls = Array.from({ length: 24 }, (_, i) =>
      (i % 2 ? onA : onB).call('http_request', { method: 'GET', url: `${upstream.url}/ok?n=${i}`, headers: { 'x-api-key': '<secrets.RT7_KEY>' } }),
    );
    const cli = [runCliAsync(['token', 'create', 'rt7-during-1', '--secrets', 'RT7_*'], { env: a.env }).done, runCliAsync(['token', 'create', 'rt7-during-2', '--secrets', 'RT7_*'], { env: b.env }).done];
    const results = await Promise.all(calls);
    for (const r of await Promise.all(cli)) expect(r.code, r.stderr).toBe(0);
    for (const r of results) expect(r.isError, JSON.stringify(r)).toBeFalsy();
    expect(seenKeys.length - before).toBe(24);
    await sleep(200);
    const verify = runCli(['audit', 'verify'], { env: a.env });
    outputs.push(verify.stdout, verify.stderr);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const uses = runCli(['audit', '--json', '--action', 'secret.resolve', '--principal', 'token:worker'], { env: b.env });
    if (uses.code === 0) outputs.push(uses.stdout);
  });
});
