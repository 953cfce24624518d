import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';
import { VERSION } from '../../src/version.js';

const DEMO_VALUE = 'demo-key-Zq9xW2vR7tY4uP1sK8mN3bV6';
const QUERY_VALUE = 'query-key-Hj5Lk2Mn8Bv4Cx1Zq7Wr3Ty9';
const SHORT_HEADER_VALUE = 'hdr-only-Ab3Cd5Ef7Gh9Ij1Kl3Mn5';

let t: TempHome;
let stub: Stub;
let other: Stub;
let session: StdioSession;

/** Every spelling of every value used here (test/helpers/traces.ts). */
function hasNoValue(text: string): void {
  expectNoTrace(text, [DEMO_VALUE, QUERY_VALUE, SHORT_HEADER_VALUE]);
}

beforeAll(async () => {
  stub = await startStub();
  other = await startStub();
  t = tempHome();
  const set = (name: string, value: string, ...flags: string[]) => seedSecret(t.env, name, value, ...flags);
  await set('DEMO_KEY', DEMO_VALUE, '--host', stub.origin, '--description', 'demo API key', '--placement', 'header', '--placement', 'body');
  await set('QUERY_KEY', QUERY_VALUE, '--host', stub.origin, '--placement', 'query');
  await set('HEADER_ONLY', SHORT_HEADER_VALUE, '--host', stub.origin);
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await stub?.close();
  await other?.close();
  // Promise 2 and 1: nothing under the home folder and nothing the server logged holds a value.
  expect(filesContaining(t.home, [DEMO_VALUE, QUERY_VALUE, SHORT_HEADER_VALUE])).toEqual([]);
  hasNoValue(session.stderr());
  t.cleanup();
});

describe('tools over stdio', () => {
  it('lists both tools with schemas and annotations', async () => {
    const { tools } = await session.client.listTools();
    const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
    expect(byName.list_secrets?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(byName.http_request?.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(byName.http_request?.outputSchema).toBeDefined();
    expect(byName.http_request?.inputSchema.properties).toHaveProperty('url');
  });

  it('offers agents no way to read, write or delete a value, nor to choose the environment (promise 6)', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(['http_request', 'list_secrets', 'request_secret']);
    for (const tool of tools) {
      const props = Object.keys(tool.inputSchema.properties ?? {});
      expect(props.filter((p) => /env|environment|value|secret/i.test(p)), tool.name).toEqual([]);
    }
    // Unknown arguments (an attempt to pick the environment) change nothing: the server's own is used.
    stub.reset();
    const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' }, env: 'production' });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${DEMO_VALUE}`);
  });

  it('list_secrets shows names, hosts and placements but no value', async () => {
    const r = await session.call('list_secrets', {});
    expect(r.isError).toBeFalsy();
    const secrets = (r.structuredContent as { secrets: Array<Record<string, unknown>> }).secrets;
    expect(secrets.map((s) => s.name)).toEqual(['DEMO_KEY', 'HEADER_ONLY', 'QUERY_KEY']);
    expect(secrets[0]).toMatchObject({ hosts: [`http://127.0.0.1:${stub.port}`], placements: ['header', 'body'], description: 'demo API key' });
    hasNoValue(visible(r));
  });
});

describe('http_request: the value goes out, never comes back', () => {
  it('the stub receives the real value; the agent sees none of it in an echoed body', async () => {
    stub.reset();
    const r = await session.call('http_request', {
      method: 'POST',
      url: `${stub.url}/echo`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
      body: 'token=<secrets.DEMO_KEY>',
    });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${DEMO_VALUE}`);
    expect(stub.requests[0]!.body).toBe(`token=${DEMO_VALUE}`);
    const sc = r.structuredContent as { status: number; redacted: string[] };
    expect(sc.status).toBe(200);
    expect(sc.redacted).toEqual(['DEMO_KEY']);
    expect(visible(r)).toContain('[REDACTED:DEMO_KEY]');
    hasNoValue(visible(r));
  });

  it('scrubs values echoed in response headers', async () => {
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/headers`,
      headers: { 'X-Api-Key': '<secrets.HEADER_ONLY>' },
    });
    expectOutcome(r, { redacted: ['HEADER_ONLY'] });
    expect(JSON.stringify((r.structuredContent as { headers: unknown }).headers)).toContain('[REDACTED:HEADER_ONLY]');
    hasNoValue(visible(r));
  });

  it('scrubs a value reflected in a 401 message', async () => {
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/unauthorized`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
    });
    expectOutcome(r, { redacted: ['DEMO_KEY'] });
    expect((r.structuredContent as { status: number }).status).toBe(401);
    hasNoValue(visible(r));
  });

  it('scrubs a value reflected in a redirect Location', async () => {
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/redirect-echo`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
    });
    expectOutcome(r, { redacted: ['DEMO_KEY'] });
    hasNoValue(visible(r));
  });

  it('puts a query-placed secret in the query string, percent-encoded', async () => {
    stub.reset();
    const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo?key=<secrets.QUERY_KEY>` });
    expectOutcome(r, { redacted: ['QUERY_KEY'] });
    expect(stub.requests[0]!.url).toContain(`key=${encodeURIComponent(QUERY_VALUE)}`);
    hasNoValue(visible(r));
  });
});

describe('http_request: User-Agent', () => {
  /** Every User-Agent header line the stub received, repeats included (node keeps only the first in `headers`). */
  const userAgents = (i: number) => {
    const raw = stub.requests[i]!.rawHeaders;
    const found: string[] = [];
    for (let j = 0; j + 1 < raw.length; j += 2) if (raw[j]!.toLowerCase() === 'user-agent') found.push(raw[j + 1]!);
    return found;
  };

  it('sends User-Agent: blindfold/<version> when the agent sets none (GitHub refuses requests without one)', async () => {
    stub.reset();
    const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo` });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(userAgents(0)).toEqual([`blindfold/${VERSION}`]);
  });

  it('an agent-set User-Agent, in any case, wins and is the only one sent', async () => {
    stub.reset();
    const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { 'uSeR-aGeNt': 'agent-tool/2.1' } });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(userAgents(0)).toEqual(['agent-tool/2.1']);
  });
});

describe('http_request: refusals send nothing', () => {
  it('refuses a secret aimed at an unbound origin', async () => {
    other.reset();
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${other.url}/echo`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
    });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('HOST_NOT_ALLOWED');
    expect(other.requests).toHaveLength(0);
    expect(other.connections()).toBe(0);
  });

  it('refuses a placement the secret does not allow', async () => {
    stub.reset();
    const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo?k=<secrets.HEADER_ONLY>` });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('PLACEMENT_NOT_ALLOWED');
    expect(stub.requests).toHaveLength(0);
  });

  for (const url of [
    'http://<secrets.DEMO_KEY>.example.com/',
    'http://user:<secrets.DEMO_KEY>@127.0.0.1/',
    'http://127.0.0.1:<secrets.DEMO_KEY>/',
  ]) {
    it(`refuses a secret in the authority: ${url}`, async () => {
      stub.reset();
      const r = await session.call('http_request', { method: 'GET', url });
      expectOutcome(r, { error: 'PLACEMENT_NOT_ALLOWED' });
      expect(stub.requests).toHaveLength(0);
      hasNoValue(visible(r));
    });
  }

  it('returns a cross-origin redirect instead of carrying the secret there', async () => {
    stub.reset();
    other.reset();
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/redirect?status=307&to=${encodeURIComponent(`${other.url}/echo`)}`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
    });
    expect(r.isError, visible(r)).toBeFalsy();
    const sc = r.structuredContent as { status: number; redirectNotFollowed?: string };
    expect(sc.status).toBe(307);
    expect(sc.redirectNotFollowed).toContain('another origin');
    expect(other.requests).toHaveLength(0);
    expect(other.connections()).toBe(0);
  });

  it('follows a same-origin redirect, re-checking the hop', async () => {
    stub.reset();
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/redirect?status=302&to=${encodeURIComponent('/echo')}`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' },
    });
    expectOutcome(r, { redacted: ['DEMO_KEY'] });
    expect((r.structuredContent as { status: number; redirects: number }).redirects).toBe(1);
    expect(stub.requests.map((q) => q.url.split('?')[0])).toEqual(['/redirect', '/echo']);
    hasNoValue(visible(r));
  });

  it('refuses an unknown name and suggests the closest', async () => {
    stub.reset();
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/echo`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KYE>' },
    });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('SECRET_NOT_FOUND');
    expect(visible(r)).toContain('DEMO_KEY');
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses a malformed expression with its position', async () => {
    const r = await session.call('http_request', {
      method: 'GET',
      url: `${stub.url}/echo`,
      headers: { Authorization: 'Bearer <secrets.DEMO_KEY' },
    });
    expect(r.isError).toBe(true);
    expect(visible(r)).toMatch(/position \d+/);
  });
});

describe('MCP logging', () => {
  // Notifications arrive in the order the server sends them. So "nothing was sent" is checked by
  // the arrival of a later notification that must come after it, never by a sleep.
  it('sends scrubbed log notifications only after the client asks, at the level it asked for', async () => {
    const messages: Array<{ level: string; data: unknown }> = [];
    session.client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => {
      messages.push(n.params as { level: string; data: unknown });
    });
    const refused = () => session.call('http_request', { method: 'GET', url: `${other.url}/echo`, headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' } });
    const sent = () => session.call('http_request', { method: 'POST', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.DEMO_KEY>' }, body: 'token=<secrets.DEMO_KEY>' });
    const until = async (n: number) => {
      const deadline = Date.now() + 5000;
      while (messages.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await session.client.ping(); // and anything sent before the ping's answer has arrived too
    };

    await refused(); // a warning, but not asked yet: must not be sent
    await session.client.setLoggingLevel('debug');
    await sent();
    await refused();
    await until(2);
    // Had the first warning been sent, it would come first.
    expect(messages.map((m) => m.level)).toEqual(['debug', 'warning']);
    hasNoValue(JSON.stringify(messages));

    await session.client.setLoggingLevel('error');
    const before = messages.length;
    await refused(); // a warning, below the level asked for: must not be sent
    await session.client.setLoggingLevel('debug');
    await sent();
    await until(before + 1);
    expect(messages.slice(before).map((m) => m.level)).toEqual(['debug']);
  });
});
