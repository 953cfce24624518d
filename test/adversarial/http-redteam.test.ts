// Red team of the team server (`serve --http`, issue 21, SPEC §8): a network client on loopback
// that controls only its HTTP requests, and an agent holding a valid token of limited scope.
// Each test states what must hold; the ones that found a weakness say so.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { INITIALIZE, connectHttp, mcpHeaders, rawRequest, startHttpServer, toolCall, type HttpServerProcess, type RawResponse } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const ALPHA = `sk_live_${randomBytes(18).toString('hex')}`;
const BETA = `ghp_${randomBytes(18).toString('hex')}`;
const VALUES = [ALPHA, BETA];
const MAX_BODY = 16_384;
const PV = { 'mcp-protocol-version': '2025-06-18' };

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
const tokens: Record<string, string> = {};

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = r.stdout.trim());
}

const origin = () => new URL(server.url).origin;
const port = () => new URL(server.url).port;

/** Opens a session with a raw initialize and returns its id. */
async function openSession(token: string): Promise<string> {
  const r = await rawRequest(server.url, { headers: mcpHeaders(token), body: INITIALIZE });
  expect(r.status, r.body).toBe(200);
  const id = r.headers['mcp-session-id'] as string;
  const done = await rawRequest(server.url, { headers: mcpHeaders(token, { 'mcp-session-id': id, ...PV }), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  expect(done.status).toBe(202);
  return id;
}

/** Sends raw bytes on a socket and returns what came back until the server closed or `ms` passed. */
function rawSocket(bytes: string, ms = 1500): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = tcpConnect(Number(port()), '127.0.0.1', () => s.write(bytes));
    s.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('error', () => {});
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.\d (\d{3})/.exec(raw)?.[1] ?? 0);

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', stub.origin);
  await seedSecret(t.env, 'BETA_KEY', BETA, '--host', stub.origin);
  createToken('alpha', '--secrets', 'ALPHA_*');
  createToken('beta', '--secrets', 'BETA_*');
  createToken('hog', '--secrets', 'ALPHA_*');
  createToken('gone', '--secrets', 'ALPHA_*');
  server = await startHttpServer(t.env, ['--max-argument-bytes', String(MAX_BODY)]);
}, 60_000);

afterAll(async () => {
  const code = await server?.stop();
  await stub?.close();
  if (server) {
    expect(code).toBe(0);
    expectNoTrace(server.stderr(), [...VALUES, ...Object.values(tokens)], 'server output');
    expectNoTrace(readFileSync(join(t.home, 'audit.jsonl'), 'utf8'), [...VALUES, ...Object.values(tokens)], 'audit trail');
  }
  t?.cleanup();
});

describe('auth bypass', () => {
  it('every way of not presenting a valid token gets the same 401', async () => {
    const revoked = tokens.gone!;
    expect(runCli(['token', 'revoke', 'gone'], { env: t.env }).code).toBe(0);
    const a = tokens.alpha!;
    const variants: Record<string, string>[] = [
      mcpHeaders(),
      mcpHeaders(undefined, { authorization: `Bearer  ${revoked}` }),
      mcpHeaders(undefined, { authorization: `Bearer ${a}x` }),
      mcpHeaders(undefined, { authorization: `Basic ${Buffer.from(`x:${a}`).toString('base64')}` }),
      mcpHeaders(undefined, { authorization: a }),
      mcpHeaders(undefined, { authorization: `Token ${a}` }),
      mcpHeaders(undefined, { authorization: `Bearer ${a} extra` }),
      mcpHeaders(undefined, { authorization: `Bearer\t${a}` }),
      mcpHeaders(undefined, { cookie: `token=${a}; authorization=Bearer ${a}` }),
      mcpHeaders(undefined, { 'x-api-key': a, 'proxy-authorization': `Bearer ${a}` }),
    ];
    const first = await rawRequest(server.url, { headers: variants[0], body: INITIALIZE });
    for (const headers of variants) {
      const r = await rawRequest(server.url, { headers, body: INITIALIZE });
      expect(r.status, JSON.stringify(Object.keys(headers))).toBe(401);
      expect(r.body).toBe(first.body);
      expect(r.headers['www-authenticate']).toBe(first.headers['www-authenticate']);
      expect(r.headers['mcp-session-id']).toBeUndefined();
    }
    const query = await rawRequest(`${server.url}?access_token=${a}&token=${a}`, { headers: mcpHeaders(), body: INITIALIZE });
    expect(query.status).toBe(401);
    expect(query.body).toBe(first.body);
  });

  it('two Authorization headers: a valid one after an invalid one does not get in', async () => {
    const raw = await rawSocket(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Authorization: Bearer bf_agt_${randomBytes(32).toString('base64url')}\r\nAuthorization: Bearer ${tokens.alpha}\r\nContent-Length: ${INITIALIZE.length}\r\nConnection: close\r\n\r\n${INITIALIZE}`,
    );
    expect([400, 401]).toContain(statusOf(raw));
    expect(raw).not.toMatch(/mcp-session-id/i);
  });

  it('no method and no path variant reaches MCP without a token', async () => {
    for (const method of ['GET', 'DELETE', 'OPTIONS', 'HEAD', 'PUT', 'PATCH']) {
      const r = await rawRequest(server.url, { method, headers: mcpHeaders(undefined, { accept: 'text/event-stream' }) });
      expect(r.status, method).toBe(401);
    }
    for (const path of ['/mcp/', '//mcp', '/MCP', '/%6dcp', '/mcp%2f', '/mcp;x', '/mcp#x', '/./mcp', '/x/../mcp', '/mcp?x', '/mcp?']) {
      const raw = await rawSocket(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${INITIALIZE.length}\r\nConnection: close\r\n\r\n${INITIALIZE}`,
      );
      expect([400, 401, 404], path).toContain(statusOf(raw));
      expect(raw, path).not.toMatch(/mcp-session-id/i);
    }
    const absolute = await rawSocket(
      `POST http://127.0.0.1:${port()}/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${INITIALIZE.length}\r\nConnection: close\r\n\r\n${INITIALIZE}`,
    );
    expect(absolute).not.toMatch(/mcp-session-id/i);
  });

  it("another token's session id is refused for GET, POST and DELETE, and the session survives", async () => {
    const betaSession = await openSession(tokens.beta!);
    const as = (method: string, body?: string) =>
      rawRequest(server.url, { method, headers: mcpHeaders(tokens.alpha, { 'mcp-session-id': betaSession, ...PV, accept: method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream' }), body });
    expect((await as('DELETE')).status).toBe(404);
    expect((await as('GET')).status).toBe(404);
    expect((await as('POST', toolCall(3, 'list_secrets'))).status).toBe(404);
    const noToken = await rawRequest(server.url, { method: 'DELETE', headers: mcpHeaders(undefined, { 'mcp-session-id': betaSession, ...PV }) });
    expect(noToken.status).toBe(401);
    const still = await rawRequest(server.url, { headers: mcpHeaders(tokens.beta, { 'mcp-session-id': betaSession, ...PV }), body: toolCall(4, 'list_secrets') });
    expect(still.status).toBe(200);
    expect(still.body).toContain('BETA_KEY');
  });

  it('a client-chosen session id on initialize is not adopted', async () => {
    const chosen = '11111111-1111-4111-8111-111111111111';
    const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { 'mcp-session-id': chosen }), body: INITIALIZE });
    expect(r.status).toBe(404);
    const fresh = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha), body: INITIALIZE });
    expect(fresh.headers['mcp-session-id']).not.toBe(chosen);
  });
});

describe('scope escape', () => {
  it("batches, notifications and other methods never show or use another token's secret", async () => {
    const id = await openSession(tokens.alpha!);
    const headers = mcpHeaders(tokens.alpha, { 'mcp-session-id': id, ...PV });
    const before = stub.requests.length;
    const batch = JSON.stringify([
      JSON.parse(toolCall(10, 'list_secrets')),
      JSON.parse(toolCall(11, 'http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.BETA_KEY>' } })),
      { jsonrpc: '2.0', id: 12, method: 'tools/list' },
      { jsonrpc: '2.0', id: 13, method: 'resources/list' },
      { jsonrpc: '2.0', id: 14, method: 'prompts/list' },
      { jsonrpc: '2.0', id: 15, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'x' }, argument: { name: 'a', value: 'B' } } },
      { jsonrpc: '2.0', id: 16, method: 'logging/setLevel', params: { level: 'debug' } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
    ]);
    const r = await rawRequest(server.url, { headers, body: batch });
    const answers = r.body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { id?: number });
    const answer = (n: number) => JSON.stringify(answers.find((a) => a.id === n));
    expect(answer(10)).toContain('ALPHA_KEY');
    for (const n of [10, 12, 13, 14, 15, 16]) expect(answer(n)).not.toContain('BETA');
    // The other token's secret is refused exactly as a name that does not exist.
    const unknown = await rawRequest(server.url, { headers, body: toolCall(11, 'http_request', { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.NOPE_KEY>' } }) });
    expect(answer(11).replaceAll('BETA_KEY', 'X')).toBe(JSON.stringify(JSON.parse(unknown.body.split('data: ')[1]!)).replaceAll('NOPE_KEY', 'X'));
    expect(stub.requests.length).toBe(before);
  });

  it('a batch holding initialize opens no session', async () => {
    const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha), body: `[${INITIALIZE}]` });
    expect(r.headers['mcp-session-id']).toBeUndefined();
  });
});

describe('Host, Origin, DNS rebinding', () => {
  it('refuses every Host that is not this server, with 403', async () => {
    const p = port();
    const other = String(Number(p) === 65535 ? 1 : Number(p) + 1);
    for (const host of [`localhost.:${p}`, `127.0.0.1.nip.io:${p}`, `127.0.0.1.:${p}`, `[::ffff:127.0.0.1]:${p}`, `[0:0:0:0:0:0:0:1]:${p}`, `127.1:${p}`, `2130706433:${p}`, `127.0.0.1:${other}`, `127.0.0.1:0${p}`, `evil.com`, `127.0.0.1`, `localhost`, `127.0.0.1:${p}@evil.com`, `evil.com#127.0.0.1:${p}`]) {
      const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { host }), body: INITIALIZE });
      expect(r.status, host).toBe(403);
    }
    const upper = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { host: `LOCALHOST:${p}` }), body: INITIALIZE });
    expect(upper.status).toBe(200);
  });

  it('refuses a request with no Host at all (HTTP/1.0)', async () => {
    const raw = await rawSocket(`POST /mcp HTTP/1.0\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nAuthorization: Bearer ${tokens.alpha}\r\nContent-Length: ${INITIALIZE.length}\r\n\r\n${INITIALIZE}`);
    expect(statusOf(raw)).toBe(403);
  });

  it('refuses Origin null, foreign origins, two Origin headers, and an X-Forwarded-Host without --trust-proxy', async () => {
    for (const o of ['null', 'http://evil.com', `http://127.0.0.1:${port()}.evil.com`, `http://127.0.0.1:${port()}/../`, 'file://', `${origin()}, http://evil.com`]) {
      const r = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { origin: o }), body: INITIALIZE });
      expect(r.status, o).toBe(403);
    }
    const two = await rawSocket(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nOrigin: http://evil.com\r\nOrigin: ${origin()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nAuthorization: Bearer ${tokens.alpha}\r\nContent-Length: ${INITIALIZE.length}\r\nConnection: close\r\n\r\n${INITIALIZE}`,
    );
    expect(statusOf(two)).toBe(403);
    const forwarded = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { host: 'evil.com', 'x-forwarded-host': `127.0.0.1:${port()}` }), body: INITIALIZE });
    expect(forwarded.status).toBe(403);
  });
});

describe('resource exhaustion', () => {
  it('huge headers and an oversized chunked body are refused and leave the server up', async () => {
    const huge = await rawRequest(server.url, { headers: mcpHeaders(tokens.alpha, { 'x-pad': 'a'.repeat(100_000) }), body: INITIALIZE }).catch(() => ({ status: 431 }) as RawResponse);
    expect(huge.status).toBe(431);
    const id = await openSession(tokens.alpha!);
    const chunk = 'x'.repeat(4000);
    let chunked = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nAuthorization: Bearer ${tokens.alpha}\r\nMcp-Session-Id: ${id}\r\nMcp-Protocol-Version: 2025-06-18\r\nTransfer-Encoding: chunked\r\n\r\n`;
    for (let i = 0; i < 10; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    chunked += '0\r\n\r\n';
    expect(statusOf(await rawSocket(chunked))).toBe(413);
    const health = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(health.status).toBe(200);
  });
});

describe('sessions per token', () => {
  it('one token opening sessions without end does not lock the other tokens out, nor itself', async () => {
    // Found: the server holds at most 1000 sessions, and a token (initialize is not rated) took
    // them all in a second; every other token got 503 until the idle timeout (30 min by default).
    const first = await openSession(tokens.hog!);
    const statuses: number[] = [];
    for (let round = 0; round < 44; round++) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => rawRequest(server.url, { headers: mcpHeaders(tokens.hog), body: INITIALIZE })));
      statuses.push(...batch.map((r) => r.status));
    }
    const other = await rawRequest(server.url, { headers: mcpHeaders(tokens.beta), body: INITIALIZE });
    expect(other.status, other.body).toBe(200);
    expect(other.headers['mcp-session-id']).toBeDefined();
    // The hog's own client keeps working: its oldest idle session made room for the new ones.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const old = await rawRequest(server.url, { headers: mcpHeaders(tokens.hog, { 'mcp-session-id': first, ...PV }), body: toolCall(1, 'list_secrets') });
    expect(old.status).toBe(404);
  }, 120_000);
});

describe('information leaks', () => {
  it('/healthz says ok and nothing else, with or without a token', async () => {
    const r = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET', headers: { authorization: `Bearer ${tokens.alpha}` } });
    expect(r.body).toBe('{"ok":true}');
    expect(r.headers['x-powered-by']).toBeUndefined();
    expect(r.headers.server).toBeUndefined();
  });
});
