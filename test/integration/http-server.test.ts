// Issue 21 items 1–3: the team server over the SDK's real Client and StreamableHTTPClientTransport,
// one server process for the file. Each token is a principal of its own: it sees and uses only its
// secrets and tasks, under its name in the audit trail, at its rate; a request without a valid
// token, with a revoked one, or on another token's session is refused; Host, Origin and body size
// are checked; one token's suspension leaves the others working.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { INITIALIZE, connectHttp, mcpHeaders, rawRequest, startHttpServer, toolCall, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const ALPHA = `sk_live_${randomBytes(18).toString('hex')}`;
const BETA = `ghp_${randomBytes(18).toString('hex')}`;
const VALUES = [ALPHA, BETA];
const MAX_BODY = 16_384;

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
const tokens: Record<string, string> = {};
const sessions: HttpSession[] = [];

const task = (name: string, secret: string, origin: string) =>
  `name: ${name}\ndescription: Read a repository with ${secret}.\ninputs:\n  type: object\n  properties:\n    repo: {type: string}\n  required: [repo]\n` +
  `steps:\n  - kind: http\n    method: GET\n    url: ${origin}/repos/<inputs.repo>/info\n    secret_name: ${secret}\n`;

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = r.stdout.trim());
}

async function connect(name: string): Promise<HttpSession> {
  const session = await connectHttp(server.url, tokens[name]);
  sessions.push(session);
  return session;
}

const auditEntries = () =>
  readFileSync(join(t.home, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; principal: string; secrets?: string[]; outcome: string; reason?: string; path?: string });

const callWith = (s: HttpSession, secret: string, path = '/echo') =>
  s.call('http_request', { method: 'GET', url: `${stub.origin}${path}`, headers: { 'x-api-key': `<secrets.${secret}>` } });

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', stub.origin);
  await seedSecret(t.env, 'BETA_KEY', BETA, '--host', stub.origin);
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(join(t.home, 'tasks', 'alpha-repo.yaml'), task('alpha-repo', 'ALPHA_KEY', stub.origin));
  writeFileSync(join(t.home, 'tasks', 'beta-repo.yaml'), task('beta-repo', 'BETA_KEY', stub.origin));
  createToken('alpha', '--secrets', 'ALPHA_*', '--tasks', 'alpha-*', '--tasks', 'beta-*');
  createToken('beta', '--secrets', 'BETA_*');
  createToken('limited', '--secrets', 'ALPHA_*', '--rate', '60/min');
  createToken('guesser', '--secrets', 'ALPHA_*');
  createToken('temp', '--secrets', 'ALPHA_*');
  server = await startHttpServer(t.env, ['--max-argument-bytes', String(MAX_BODY)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  const code = await server?.stop();
  await stub?.close();
  if (server) {
    expect(code).toBe(0);
    // Neither a token nor a value in anything the server printed, nor in the audit trail.
    expectNoTrace(server.stderr(), [...VALUES, ...Object.values(tokens)], 'server output');
    const audit = readFileSync(join(t.home, 'audit.jsonl'), 'utf8');
    expectNoTrace(audit, [...VALUES, ...Object.values(tokens)], 'audit trail');
  }
  t?.cleanup();
});

describe('authentication', () => {
  it('/healthz answers ok without a token, and nothing more', async () => {
    const r = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
  });

  it('refuses a request without a token, or with a wrong one, with 401 and WWW-Authenticate, the same either way, audited', async () => {
    const before = auditEntries().filter((e) => e.action === 'auth.denied').length;
    const missing = await rawRequest(server.url, { headers: mcpHeaders(), body: INITIALIZE });
    const wrong = await rawRequest(server.url, { headers: mcpHeaders(`bf_agt_${randomBytes(32).toString('base64url')}`), body: INITIALIZE });
    const garbage = await rawRequest(server.url, { headers: { ...mcpHeaders(), authorization: 'Bearer alpha' }, body: INITIALIZE });
    for (const r of [missing, wrong, garbage]) {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect(r.headers['mcp-session-id']).toBeUndefined();
      // No hint whether a token name exists: one answer for all.
      expect(r.body).toBe(missing.body);
      expect(r.body).not.toMatch(/alpha|beta|token:/);
    }
    await expect.poll(() => auditEntries().filter((e) => e.action === 'auth.denied').length).toBeGreaterThanOrEqual(before + 2);
    const denied = auditEntries().filter((e) => e.action === 'auth.denied');
    expect(denied.every((e) => e.outcome === 'denied' && e.principal === 'http:unauthenticated')).toBe(true);
  });

  it('the SDK client without a token cannot connect', async () => {
    await expect(connectHttp(server.url)).rejects.toThrow(/401|nauthorized/);
  });

  it('a revoked token is refused on its next request, without a restart', async () => {
    const temp = await connect('temp');
    expect((await temp.client.listTools()).tools.length).toBeGreaterThan(0);
    const revoked = runCli(['token', 'revoke', 'temp'], { env: t.env });
    expect(revoked.code, revoked.stderr).toBe(0);
    const sessionId = temp.transport.sessionId!;
    const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.temp, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' }), body: toolCall(7, 'list_secrets') });
    expect(r.status).toBe(401);
    await expect(temp.client.listTools()).rejects.toThrow();
    const fresh = await rawRequest(server.url, { headers: mcpHeaders(tokens.temp), body: INITIALIZE });
    expect(fresh.status).toBe(401);
  });

  it("revoking a token closes its sessions' open event streams too, within seconds", async () => {
    createToken('streamer', '--secrets', 'ALPHA_*');
    // A raw session (the SDK client would hold the session's one GET stream itself).
    const opened = await rawRequest(server.url, { headers: mcpHeaders(tokens.streamer), body: INITIALIZE });
    expect(opened.status).toBe(200);
    const sessionId = String(opened.headers['mcp-session-id']);
    const initialized = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect((await rawRequest(server.url, { headers: mcpHeaders(tokens.streamer, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' }), body: initialized })).status).toBe(202);
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${tokens.streamer}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const stream = rawRequest(server.url, { method: 'GET', headers });
    const within = <T,>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'open'>((res) => setTimeout(() => res('open'), ms))]);
    const early = await within(stream, 1500);
    expect(early, JSON.stringify(early)).toBe('open'); // a GET stream stays open while its token is good
    expect(runCli(['token', 'revoke', 'streamer'], { env: t.env }).code).toBe(0);
    const ended = await within(stream, 10_000);
    expect(ended).not.toBe('open');
  });

  it("a token's expiry closes its sessions' open event streams on time (no change in the store to tell of it)", async () => {
    const expiresAt = new Date(Date.now() + 3000);
    createToken('ephemeral', '--secrets', 'ALPHA_*', '--expires', expiresAt.toISOString());
    const opened = await rawRequest(server.url, { headers: mcpHeaders(tokens.ephemeral), body: INITIALIZE });
    expect(opened.status).toBe(200);
    const session = { 'mcp-session-id': String(opened.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' };
    const initialized = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect((await rawRequest(server.url, { headers: mcpHeaders(tokens.ephemeral, session), body: initialized })).status).toBe(202);
    const stream = rawRequest(server.url, { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${tokens.ephemeral}`, ...session } });
    const within = <T,>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'open'>((res) => setTimeout(() => res('open'), ms))]);
    // The periodic check runs every 30 s on a store that tells of its changes: only the expiry's own timer ends it this soon.
    expect(await within(stream, 10_000)).not.toBe('open');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime()); // it was held open until then
  });

  it('an expired token is refused on its next request, without a restart, and sends nothing', async () => {
    const expiresAt = new Date(Date.now() + 4000);
    createToken('brief', '--secrets', 'ALPHA_*', '--expires', expiresAt.toISOString());
    const brief = await connect('brief');
    expect((await brief.client.listTools()).tools.length).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, Math.max(0, expiresAt.getTime() - Date.now()) + 250));
    const before = stub.requests.length;
    const sessionId = brief.transport.sessionId!;
    const headers = mcpHeaders(tokens.brief, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    const body = toolCall(9, 'http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.ALPHA_KEY>' } });
    const r = await rawRequest(server.url, { headers, body });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(stub.requests.length).toBe(before);
  });

  it("a session belongs to its token: another token, or none, on its id is refused", async () => {
    const a = await connect('alpha');
    const sessionId = a.transport.sessionId!;
    const headers = (token?: string) => mcpHeaders(token, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    const asBeta = await rawRequest(server.url, { headers: headers(tokens.beta), body: toolCall(3, 'list_secrets') });
    expect(asBeta.status).toBe(404);
    expect(asBeta.body).not.toContain('ALPHA_KEY');
    const asNobody = await rawRequest(server.url, { headers: headers(), body: toolCall(3, 'list_secrets') });
    expect(asNobody.status).toBe(401);
    const own = await rawRequest(server.url, { headers: headers(tokens.alpha), body: toolCall(3, 'list_secrets') });
    expect(own.status).toBe(200);
    expect(own.body).toContain('ALPHA_KEY');
    expect(auditEntries().some((e) => e.action === 'auth.denied' && e.principal === 'token:beta')).toBe(true);
  });
});

describe('each token is a principal of its own', () => {
  it('lists only its own secrets and tasks', async () => {
    const a = await connect('alpha');
    const b = await connect('beta');
    const listed = async (s: HttpSession) => {
      const r = await s.call('list_secrets', {});
      expect(r.isError, visible(r)).toBeFalsy();
      return ((r.structuredContent as { secrets: Array<{ name: string }> }).secrets ?? []).map((x) => x.name);
    };
    expect(await listed(a)).toEqual(['ALPHA_KEY']);
    expect(await listed(b)).toEqual(['BETA_KEY']);
    const toolsOf = async (s: HttpSession) => (await s.client.listTools()).tools.map((x) => x.name).sort();
    // alpha's task globs match both tasks; beta-repo uses BETA_KEY, outside alpha's secrets, so it is not offered.
    expect(await toolsOf(a)).toEqual(['alpha-repo', 'http_request', 'list_secrets', 'request_secret']);
    expect(await toolsOf(b)).toEqual(['http_request', 'list_secrets', 'request_secret']);
  });

  it("uses its own secret, and another token's is refused as if it did not exist, nothing sent", async () => {
    const a = await connect('alpha');
    stub.reset();
    const ok = await callWith(a, 'ALPHA_KEY');
    expectOutcome(ok, { redacted: ['ALPHA_KEY'] });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.headers['x-api-key']).toBe(ALPHA);
    expectNoTrace(visible(ok), VALUES);

    stub.reset();
    const other = await callWith(a, 'BETA_KEY');
    const none = await callWith(a, 'GAMMA_KEY');
    expectOutcome(other, { error: 'SECRET_NOT_FOUND' });
    expect(stub.requests).toHaveLength(0);
    expect(visible(other).replaceAll('BETA_KEY', 'X')).toBe(visible(none).replaceAll('GAMMA_KEY', 'X'));
    const ran = await a.call('alpha-repo', { repo: 'acme/api' });
    expectOutcome(ran, { redacted: [] });
    expect(stub.requests.at(-1)!.url).toContain('/repos/acme%2Fapi/info');
  });

  it("a task tool outside the token's globs cannot be called, and sends nothing", async () => {
    const b = await connect('beta');
    stub.reset();
    const r = await b.call('alpha-repo', { repo: 'acme/api' }).catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }));
    expect(r.isError).toBe(true);
    expect(visible(r as Parameters<typeof visible>[0])).toMatch(/alpha-repo|not found|unknown/i);
    expect(stub.requests).toHaveLength(0);
  });

  it('the audit trail names each token', async () => {
    const b = await connect('beta');
    expectOutcome(await callWith(b, 'BETA_KEY'), { redacted: ['BETA_KEY'] });
    const sent = auditEntries().filter((e) => e.action === 'request.sent');
    expect(sent.some((e) => e.principal === 'token:alpha' && e.secrets?.includes('ALPHA_KEY'))).toBe(true);
    expect(sent.some((e) => e.principal === 'token:beta' && e.secrets?.includes('BETA_KEY'))).toBe(true);
    expect(sent.filter((e) => e.principal === 'token:beta').every((e) => !e.secrets?.includes('ALPHA_KEY'))).toBe(true);
  });

  it('two sessions calling at once, with the same JSON-RPC ids, each get only their own answers', async () => {
    const a = await connectHttp(server.url, tokens.alpha, 'same-name');
    const b = await connectHttp(server.url, tokens.beta, 'same-name');
    sessions.push(a, b);
    const rounds = 12;
    const run = (s: HttpSession, secret: string, tag: string) =>
      Promise.all(Array.from({ length: rounds }, (_, i) => callWith(s, secret, `/echo?marker=${tag}-${i}`)));
    const [ra, rb] = await Promise.all([run(a, 'ALPHA_KEY', 'from-alpha'), run(b, 'BETA_KEY', 'from-beta')]);
    ra.forEach((r, i) => {
      expect(visible(r)).toContain(`from-alpha-${i}`);
      expect(visible(r)).not.toContain('from-beta');
    });
    rb.forEach((r, i) => {
      expect(visible(r)).toContain(`from-beta-${i}`);
      expect(visible(r)).not.toContain('from-alpha');
    });
  });

  it("one token's suspension stops it only", async () => {
    const g = await connect('guesser');
    const a = await connect('alpha');
    stub.reset();
    const guess = await g.call('http_request', { method: 'POST', url: `${stub.origin}/echo`, body: `guess=${ALPHA}` });
    expectOutcome(guess, { error: 'REQUEST_REFUSED' });
    expectOutcome(await callWith(g, 'ALPHA_KEY'), { error: 'PRINCIPAL_SUSPENDED' });
    expect(stub.requests).toHaveLength(0);
    expectOutcome(await callWith(a, 'ALPHA_KEY'), { redacted: ['ALPHA_KEY'] });
    const listed = runCli(['suspended', '--json'], { env: t.env });
    expect((JSON.parse(listed.stdout) as Array<{ principal: string }>).map((e) => e.principal)).toEqual(['token:guesser']);
  });
});

describe('request checks', () => {
  it('refuses a foreign Host or Origin with 403, before the token is looked at', async () => {
    const port = new URL(server.url).port;
    const cases: Array<Record<string, string>> = [
      { host: `evil.example:${port}` },
      { host: 'localhost:1' },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://localhost:${Number(port) + 1}` },
    ];
    for (const extra of cases) {
      const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, extra), body: INITIALIZE });
      expect(r.status, JSON.stringify(extra)).toBe(403);
      expect(r.headers['mcp-session-id']).toBeUndefined();
    }
    const allowed: Array<Record<string, string>> = [{ host: `localhost:${port}` }, { origin: `http://127.0.0.1:${port}` }, { origin: `http://localhost:${port}` }];
    for (const extra of allowed) {
      const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, extra), body: INITIALIZE });
      expect(r.status, JSON.stringify(extra)).toBe(200);
    }
  });

  it('refuses a body over the limit with 413, unread', async () => {
    const big = toolCall(9, 'list_secrets', { filter: 'x'.repeat(MAX_BODY) });
    const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha), body: big });
    expect(r.status).toBe(413);
  });

  it("a token's rate gives 429 with Retry-After, and recovers after it; another token is not slowed", async () => {
    const s = await connect('limited');
    const headers = mcpHeaders(tokens.limited, { 'mcp-session-id': s.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
    let passed = 0;
    let refused: Awaited<ReturnType<typeof rawRequest>> | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await rawRequest(server.url, { headers, body: toolCall(100 + i, 'list_secrets') });
      if (r.status === 429) refused = r;
      else {
        expect(r.status).toBe(200);
        passed++;
      }
    }
    expect(refused, 'no 429 within 200 calls at 60/min').toBeDefined();
    expect(passed).toBeGreaterThanOrEqual(60);
    const wait = Number(refused!.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expectOutcome(await callWith(await connect('alpha'), 'ALPHA_KEY'), { redacted: ['ALPHA_KEY'] });
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 200));
    const after = await rawRequest(server.url, { headers, body: toolCall(999, 'list_secrets') });
    expect(after.status).toBe(200);
  }, 30_000);
});
