// Issue 21 item 1 and its precisions: when the team server refuses to start (no token and no
// --no-auth; --no-auth off loopback), --no-auth as the local principal, idle sessions closed, and
// SIGTERM: no new request, every call in flight finishes, exit 0.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { INITIALIZE, connectHttp, mcpHeaders, rawRequest, startHttpServer, toolCall } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const VALUE = `sk_live_${randomBytes(18).toString('hex')}`;
let t: TempHome;
let stub: Stub;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'DEMO_KEY', VALUE, '--host', stub.origin);
});

afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

describe('refusing to start', () => {
  it('without a token and without --no-auth, with the fix', () => {
    const r = runCli(['serve', '--http', '--port', '0'], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('blindfold token create NAME --secrets GLOB');
    expect(r.stderr).toContain('--no-auth');
  });

  it('--no-auth on an address other than loopback, whatever the tokens', () => {
    for (const host of ['0.0.0.0', '192.0.2.10', '::']) {
      const r = runCli(['serve', '--http', '--no-auth', '--host', host, '--port', '0'], { env: t.env });
      expect(r.code, host).toBe(2);
      expect(r.stderr).toContain('--no-auth is for loopback only');
    }
  });

  it('a non-loopback address without a token', () => {
    const r = runCli(['serve', '--http', '--host', '0.0.0.0', '--port', '0'], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no agent token');
  });
});

describe('--no-auth on loopback', () => {
  it('serves every session as the local principal, which sees every secret', async () => {
    const server = await startHttpServer(t.env, ['--no-auth']);
    try {
      const s = await connectHttp(server.url);
      const listed = await s.call('list_secrets', {});
      expect(visible(listed)).toContain('DEMO_KEY');
      stub.reset();
      const r = await s.call('http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.DEMO_KEY>' } });
      expectOutcome(r, { redacted: ['DEMO_KEY'] });
      expectNoTrace(visible(r), [VALUE]);
      await s.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expectNoTrace(server.stderr(), [VALUE], 'server output');
  });
});

describe('behind a reverse proxy', () => {
  it('X-Forwarded-Host counts only with --trust-proxy, and is checked against the allow-list', async () => {
    const plain = await startHttpServer(t.env, ['--no-auth', '--allowed-host', 'agents.example.com']);
    const proxied = await startHttpServer(t.env, ['--no-auth', '--allowed-host', 'agents.example.com', '--trust-proxy']);
    const statusOf = async (url: string, extra: Record<string, string>) => (await rawRequest(url, { headers: mcpHeaders(undefined, extra), body: INITIALIZE })).status;
    try {
      const local = (url: string) => ({ host: new URL(url).host });
      // Without --trust-proxy any client could send the header: it changes nothing, either way.
      expect(await statusOf(plain.url, { ...local(plain.url), 'x-forwarded-host': 'evil.example' })).toBe(200);
      expect(await statusOf(plain.url, { host: 'evil.example', 'x-forwarded-host': 'agents.example.com' })).toBe(403);
      // With it, the proxy's X-Forwarded-Host (its first value) is what is checked.
      expect(await statusOf(proxied.url, { ...local(proxied.url), 'x-forwarded-host': 'agents.example.com' })).toBe(200);
      expect(await statusOf(proxied.url, { ...local(proxied.url), 'x-forwarded-host': 'evil.example, agents.example.com' })).toBe(403);
      expect(await statusOf(proxied.url, { host: 'evil.example', 'x-forwarded-host': 'agents.example.com' })).toBe(200);
    } finally {
      expect(await plain.stop()).toBe(0);
      expect(await proxied.stop()).toBe(0);
    }
  });
});

describe('sessions and shutdown', () => {
  let token = '';
  beforeAll(() => {
    const r = runCli(['token', 'create', 'worker', '--secrets', 'DEMO_*'], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    token = r.stdout.trim();
  });

  it('closes a session left idle past --idle-timeout', async () => {
    const server = await startHttpServer(t.env, ['--idle-timeout', '1']);
    try {
      const init = await rawRequest(server.url, { headers: mcpHeaders(token), body: INITIALIZE });
      expect(init.status).toBe(200);
      const sessionId = String(init.headers['mcp-session-id']);
      const headers = mcpHeaders(token, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
      expect((await rawRequest(server.url, { headers, body: toolCall(2, 'list_secrets') })).status).toBe(200);
      // Each request makes the session active again, so they come further apart than the idle time.
      await expect
        .poll(async () => (await rawRequest(server.url, { headers, body: toolCall(3, 'list_secrets') })).status, { timeout: 12_000, interval: 2_000 })
        .toBe(404);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expectNoTrace(server.stderr(), [VALUE, token], 'server output');
  }, 20_000);

  it('SIGTERM refuses new requests, lets every call in flight finish, and exits 0', async () => {
    const server = await startHttpServer(t.env);
    const sessions = await Promise.all([connectHttp(server.url, token), connectHttp(server.url, token)]);
    stub.reset();
    const slow = (s: (typeof sessions)[number], i: number) =>
      s.call('http_request', { method: 'GET', url: `${stub.origin}/slow?ms=1500&n=${i}`, headers: { 'x-api-key': '<secrets.DEMO_KEY>' } });
    const inFlight = [slow(sessions[0]!, 0), slow(sessions[0]!, 1), slow(sessions[1]!, 2)];
    await expect.poll(() => stub.requests.filter((r) => r.url.startsWith('/slow')).length, { timeout: 10_000 }).toBe(3);
    server.child.kill('SIGTERM');
    await expect.poll(() => server.stderr(), { timeout: 5_000 }).toContain('SIGTERM: not accepting new requests');
    const late = await rawRequest(server.url, { headers: mcpHeaders(token), body: INITIALIZE }).catch((err: NodeJS.ErrnoException) => String(err.code));
    expect(String(typeof late === 'string' ? late : late.status)).toMatch(/^(ECONNREFUSED|ECONNRESET|503)$/);
    const results = await Promise.all(inFlight);
    for (const r of results) {
      expectOutcome(r, { redacted: [] });
      expect(JSON.stringify(r.structuredContent)).toContain('slow');
    }
    expect(await server.exited).toBe(0);
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
    expectNoTrace(server.stderr(), [VALUE, token], 'server output');
  }, 30_000);
});
