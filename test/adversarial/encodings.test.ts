// A hostile agent makes a careless (but bound, trusted) API reflect non-ASCII values in the
// spellings real server stacks use: Python/PHP/.NET JSON escapes, UTF-8 bytes in headers and status
// lines, compressed bodies, JSON bodies the server parses. Through the real server over MCP; each
// case asserts the agent saw no spelling of any value and the attacker's stub saw nothing at all.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectAgentSawNothing, expectNoValueAtRest, expectUntouched, setSecret, startAttacker } from '../helpers/adversarial.js';

// Latin-1 non-ASCII (can travel in a header), with every character that makes encodings differ.
const UNI = `Zq+9/x="é&<k> 'ü\`-Lm4Np7Q`;
// Beyond Latin-1 (body, query and path only: a header cannot carry it).
const CJK = '鍵-Rt5+Yu8/Io2="秘"&<b> Ω-Wq3';
const VALUES = [UNI, CJK];

let t: TempHome;
let api: Stub;
let attacker: Stub;
let session: StdioSession;

const call = (args: Record<string, unknown>) => session.call('http_request', { method: 'GET', ...args });

beforeAll(async () => {
  api = await startStub();
  attacker = await startAttacker();
  t = tempHome();
  await setSecret(t, 'UNI', UNI, '--host', api.origin, '--placement', 'header', '--placement', 'query', '--placement', 'body', '--placement', 'path');
  await setSecret(t, 'CJK', CJK, '--host', api.origin, '--placement', 'query', '--placement', 'body', '--placement', 'path');
  session = await connectStdio(t.env);
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

/** How each value reaches the stub's /reflect: UNI in a header, CJK in the body. */
const carriers = [
  { name: 'UNI', value: UNI, args: (path: string) => ({ url: `${api.url}${path}`, headers: { 'X-Api-Key': '<secrets.UNI>' } }) },
  { name: 'CJK', value: CJK, args: (path: string) => ({ method: 'POST', url: `${api.url}${path}&src=body`, body: '<secrets.CJK>' }) },
] as const;

describe('reflected as text/plain, in each spelling', () => {
  const forms = ['raw', 'base64', 'base64url', 'basic', 'hex', 'HEX', 'url', 'form', 'json', 'html', 'json-ascii', 'json-php', 'json-dotnet'];
  for (const c of carriers) {
    for (const as of forms) {
      it(`${c.name} reflected as ${as}`, async () => {
        const r = await call(c.args(`/reflect?as=${as}`));
        // The stub really received the value (so the reflection is of the real thing).
        const got = c.name === 'UNI' ? api.requests[0]!.headers['x-api-key'] : api.requests[0]!.body;
        expect(got).toBe(c.value);
        expectAgentSawNothing(r, VALUES, { redacted: [c.name] });
        expectUntouched(attacker);
      });
    }
  }
});

describe('reflected in an application/json body the server parses for the agent', () => {
  // The broker JSON-parses a JSON body after redacting its text: any \u escape the redactor did not
  // recognise would be decoded back into the raw value by that parse.
  for (const c of carriers) {
    for (const as of ['raw', 'json-ascii', 'json-php', 'json-dotnet', 'json-all']) {
      it(`${c.name} reflected as ${as} in JSON`, async () => {
        const r = await call(c.args(`/reflect?as=${as}&type=json`));
        expectAgentSawNothing(r, VALUES, { redacted: [c.name] });
        const json = (r.structuredContent as { json?: { reflected?: string } }).json;
        if (json) for (const v of VALUES) expect(JSON.stringify(json).includes(v) || (json.reflected ?? '').includes(v)).toBe(false);
        expectUntouched(attacker);
      });
    }
  }
});

describe('reflected in response headers and the status line as UTF-8 bytes', () => {
  for (const [name, value] of [['UNI', UNI], ['CJK', CJK]] as const) {
    for (const as of ['raw', 'url', 'base64']) {
      it(`${name} in x-reflected, set-cookie and link headers (${as})`, async () => {
        const r = await call({ url: `${api.url}/reflect-header?as=${as}&src=query&v=<secrets.${name}>` });
        expect(new URL(api.requests[0]!.url, 'http://x').searchParams.get('v')).toBe(value);
        expectAgentSawNothing(r, VALUES, { redacted: [name] });
        expectUntouched(attacker);
      });
    }
    it(`${name} in the status text`, async () => {
      const r = await call({ url: `${api.url}/reflect-status?src=query&v=<secrets.${name}>` });
      expectAgentSawNothing(r, VALUES, { redacted: [name] });
      expect((r.structuredContent as { status: number }).status).toBe(403);
      expectUntouched(attacker);
    });
  }
});

describe('echoed in compressed and JSON bodies', () => {
  for (const path of ['/gzip', '/br', '/deflate']) {
    it(`both values in a ${path.slice(1)} body`, async () => {
      const r = await call({ method: 'POST', url: `${api.url}${path}?q=<secrets.CJK>`, headers: { 'X-Api-Key': '<secrets.UNI>' }, body: 'a=<secrets.CJK>&b=<secrets.UNI>' });
      expect(api.requests[0]!.body).toBe(`a=${CJK}&b=${UNI}`);
      expectAgentSawNothing(r, VALUES, { redacted: ['CJK', 'UNI'] });
      expectUntouched(attacker);
    });
  }

  it('both values in a JSON request body echoed back (nested, in arrays)', async () => {
    const r = await call({ method: 'POST', url: `${api.url}/echo`, json: { a: '<secrets.CJK>', b: ['x <secrets.UNI> y', { c: '<secrets.CJK><secrets.UNI>' }] } });
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ a: CJK, b: [`x ${UNI} y`, { c: CJK + UNI }] });
    expectAgentSawNothing(r, VALUES, { redacted: ['CJK', 'UNI'] });
  });

  it('values in the path and the query, echoed in the URL', async () => {
    const r = await call({ url: `${api.url}/echo/<secrets.CJK>/<secrets.UNI>?a=<secrets.CJK>`, query: { b: '<secrets.UNI>' } });
    // A 404: the values come back only in the final URL, where they must show as markers.
    expectAgentSawNothing(r, VALUES, { redacted: [] });
    expect((r.structuredContent as { url: string }).url).toMatch(/REDACTED:CJK.*REDACTED:UNI/);
  });
});

describe('truncation never leaks a meaningful prefix', () => {
  // What is asserted: whatever maxBytes the agent picks (sweeping the cut across the value), no run
  // of 6 consecutive characters of a value appears in what the agent sees. A shorter fragment may
  // survive a cut made before the value starts being recognisable; 6 characters of these values
  // carry far less than a value's entropy, and none of these runs occurs in the stub's own text.
  const windows = (v: string, n = 6) => Array.from({ length: [...v].length - n + 1 }, (_, i) => [...v].slice(i, i + n).join(''));

  /** Redacted names over a sweep: a cut made before the value is read leaves nothing to scrub. */
  const named = new Set<string>();
  const redactedIn = (r: { structuredContent?: unknown }) => ((r.structuredContent as { redacted?: string[] }).redacted ?? []).forEach((n) => named.add(n));

  it('a cut swept through a body-echoed CJK value', async () => {
    named.clear();
    for (let maxBytes = 40; maxBytes < 140; maxBytes += 3) {
      const r = await call({ method: 'POST', url: `${api.url}/echo`, body: 'k=<secrets.CJK>', maxBytes });
      const text = visible(r);
      for (const w of windows(CJK)) expect(text.includes(w), `maxBytes ${maxBytes}: ${w}`).toBe(false);
      expectAgentSawNothing(r, VALUES, { redacted: [] });
      redactedIn(r);
    }
    expect([...named], 'no cut of the sweep reached the value').toContain('CJK');
  });

  it('multi-byte padding (fewer characters than bytes) opens no prefix oracle at the cut', async () => {
    named.clear();
    for (let maxBytes = 60; maxBytes < 200; maxBytes += 11) {
      const r = await call({ method: 'POST', url: `${api.url}/reflect?src=body&as=raw`, body: `${'€'.repeat(30)}<secrets.UNI>${'€'.repeat(30)}`, maxBytes });
      const text = visible(r);
      for (const w of windows(UNI)) expect(text.includes(w), `maxBytes ${maxBytes}: ${w}`).toBe(false);
      expectAgentSawNothing(r, VALUES, { redacted: [] });
      redactedIn(r);
    }
    expect([...named], 'no cut of the sweep reached the value').toContain('UNI');
  });
});
