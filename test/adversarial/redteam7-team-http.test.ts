// Red team 7, the team server's door (src/mcp/http.ts, http-auth.ts, http-guard.ts, http-rate.ts):
// sessions used with another token's id (every method), JSON-RPC batches against the rate, header
// tricks, a chunked oversized body, and scope probes through request_secret. All held: kept as
// regression tests.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, INITIALIZE, mcpHeaders, rawRequest, startHttpServer, toolCall, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = `rt7-${randomBytes(20).toString('base64url')}`;
const OUTSIDE = `rt7-${randomBytes(20).toString('base64url')}`;
const MAX_BODY = 4096;
let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
const tokens: Record<string, string> = {};
const sessions: HttpSession[] = [];
const views: string[] = [];

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = /bf_agt_[A-Za-z0-9_-]{43}/.exec(r.stdout)![0]);
}

async function open(name: string): Promise<HttpSession> {
  const s = await connectHttp(server.url, tokens[name], `rt7-${name}`);
  sessions.push(s);
  return s;
}

function auditEntries(): Array<{ action: string; principal: string; reason?: string }> {
  const r = runCli(['audit', '--json'], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  const text = r.stdout.trim();
  const parsed = JSON.parse(text.startsWith('[') || text.startsWith('{') ? text : `[${text.split('\n').join(',')}]`) as unknown;
  return (Array.isArray(parsed) ? parsed : ((parsed as { entries?: unknown[] }).entries ?? [])) as Array<{ action: string; principal: string; reason?: string }>;
}

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  for (const [name, value] of [['RT7_KEY', VALUE], ['OTHER_KEY', OUTSIDE]] as const) {
    const r = runCli(['set', name, '--host', stub.origin, '--inject', 'header:x-api-key:{value}'], { env: t.env, input: value });
    expect(r.code, r.stderr).toBe(0);
  }
  createToken('alpha', '--secrets', 'RT7_*');
  createToken('beta', '--secrets', 'RT7_*');
  createToken('slow', '--secrets', 'RT7_*', '--rate', '2/min');
  server = await startHttpServer(t.env, ['--max-argument-bytes', String(MAX_BODY)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  await server?.stop();
  await stub?.close();
  if (server) expectNoTrace([server.stderr(), ...views].join('\n'), [VALUE, OUTSIDE, ...Object.values(tokens)], 'server output and agent views');
  t?.cleanup();
});

describe('redteam7: a session id is never a credential (held)', () => {
  it("another token's POST, GET and DELETE on a session id get 404, audited under that token; the session lives on", async () => {
    const a = await open('alpha');
    const id = a.transport.sessionId!;
    const headers = (token?: string, extra: Record<string, string> = {}) => mcpHeaders(token, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18', ...extra });
    const post = await rawRequest(server.url, { headers: headers(tokens.beta), body: toolCall(7, 'http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.RT7_KEY>' } }) });
    const get = await rawRequest(server.url, { method: 'GET', headers: { ...headers(tokens.beta), accept: 'text/event-stream' } });
    const del = await rawRequest(server.url, { method: 'DELETE', headers: headers(tokens.beta) });
    for (const r of [post, get, del]) {
      views.push(r.body);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('RT7_KEY');
    }
    // None, a malformed or a lower-case-scheme token of nobody: 401 before the session is looked at.
    for (const auth of [undefined, 'Bearer', `Bearer ${tokens.alpha}x`, `Basic ${Buffer.from(`x:${tokens.alpha}`).toString('base64')}`]) {
      const r = await rawRequest(server.url, { method: 'DELETE', headers: { 'mcp-session-id': id, ...(auth ? { authorization: auth } : {}) } });
      expect(r.status, String(auth?.slice(0, 6))).toBe(401);
    }
    expect(stub.requests.filter((r) => r.headers['x-api-key'] === VALUE)).toHaveLength(0);
    const still = await a.call('list_secrets', {});
    expect(still.isError).toBeFalsy();
    // Identical refusals of one principal are aggregated within a window (src/audit/aggregate.ts): at least one entry, written now.
    const denied = auditEntries().filter((e) => e.action === 'auth.denied' && e.principal === 'token:beta');
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });
});

describe('redteam7: rate and body limits (held)', () => {
  it('a JSON-RPC batch of tool calls is counted call by call against --rate (2/min): a batch of 3 is refused whole, nothing sent', async () => {
    const s = await open('slow');
    const headers = mcpHeaders(tokens.slow, { 'mcp-session-id': s.transport.sessionId!, 'mcp-protocol-version': '2025-06-18' });
    const call = (id: number) => JSON.parse(toolCall(id, 'http_request', { method: 'GET', url: `${stub.origin}/echo?rt7=batch${id}`, headers: { 'x-api-key': '<secrets.RT7_KEY>' } })) as unknown;
    const batch = await rawRequest(server.url, { headers, body: JSON.stringify([call(1), call(2), call(3)]) });
    views.push(batch.body);
    expect(batch.status).toBe(429);
    expect(Number(batch.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(stub.requests.filter((r) => r.url.includes('rt7=batch'))).toHaveLength(0);
    // A batch hiding calls among notifications, and a call nested one level down, are no way around it either.
    const mixed = await rawRequest(server.url, { headers, body: JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }, call(4), call(5), call(6)]) });
    views.push(mixed.body);
    expect(mixed.status).toBe(429);
    const nested = await rawRequest(server.url, { headers, body: JSON.stringify([[call(7), call(8), call(9)]]) });
    views.push(nested.body);
    expect(stub.requests.filter((r) => r.url.includes('rt7=batch'))).toHaveLength(0);
  });

  it('a body over the limit sent chunked (no Content-Length) gets 413, and the server keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.url, { method: 'POST', headers: mcpHeaders(tokens.alpha, { 'transfer-encoding': 'chunked' }) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(413) : reject(err)));
      const chunk = 'x'.repeat(1024);
      req.write(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_secrets","arguments":{"filter":"`);
      for (let i = 0; i < 16; i++) req.write(chunk);
      req.end('"}}}');
    });
    expect(status).toBe(413);
    expect((await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha), body: INITIALIZE })).status).toBe(200);
  });
});

describe('redteam7: header tricks (held)', () => {
  it('X-Forwarded-Host and X-Forwarded-For are ignored without --trust-proxy', async () => {
    const port = new URL(server.url).port;
    const rebound = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { host: 'evil.example', 'x-forwarded-host': `127.0.0.1:${port}` }), body: INITIALIZE });
    expect(rebound.status).toBe(403);
    const spoofed = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '10.0.0.1' }), body: INITIALIZE });
    expect(spoofed.status).toBe(200);
    for (const origin of [`http://127.0.0.1:${port}.evil.example`, `http://127.0.0.1:${port}@evil.example`, `http://127.0.0.1:${Number(port) + 1}`]) {
      expect((await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { origin }), body: INITIALIZE })).status, origin).toBe(403);
    }
  });
});

describe('redteam7: scope probes (held)', () => {
  it('request_secret and http_request answer alike for an existing out-of-scope name and a missing one', async () => {
    const s = await open('beta');
    const shape = (r: unknown, name: string) => JSON.stringify(r).split(name).join('NAME').replace(/"id":"[^"]*"/g, '"id":"ID"');
    const askOther = await s.call('request_secret', { name: 'OTHER_KEY', reason: 'rt7 probe' });
    const askNone = await s.call('request_secret', { name: 'OTHER_KEZ', reason: 'rt7 probe' });
    views.push(JSON.stringify(askOther), JSON.stringify(askNone));
    expect(shape(askOther, 'OTHER_KEY')).toBe(shape(askNone, 'OTHER_KEZ'));
    const useOther = await s.call('http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.OTHER_KEY>' } });
    const useNone = await s.call('http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.OTHER_KEZ>' } });
    views.push(JSON.stringify(useOther), JSON.stringify(useNone));
    expect(useOther.isError).toBe(true);
    expect(shape(useOther, 'OTHER_KEY')).toBe(shape(useNone, 'OTHER_KEZ'));
    // A near miss of an out-of-scope name suggests nothing.
    const near = await s.call('http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.OTHER_KE>' } });
    views.push(JSON.stringify(near));
    expect(JSON.stringify(near)).not.toContain('OTHER_KEY');
    expect(stub.requests.filter((r) => r.headers['x-api-key'] === OUTSIDE)).toHaveLength(0);
  });
});
