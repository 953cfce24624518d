// Tenth red team, egress (SPEC §1 promise 5): an admin's opt-in to a loopback origin
// (`http://127.0.0.1:API`, named in a secret's hosts) opens that exact origin and nothing else.
// The same service under another spelling of its address (a loopback name, 0.0.0.0, IPv4-mapped
// IPv6, a DNS name answering 127.0.0.1), another scheme, or another port of the same address, is
// refused with no connection, asked directly or reached by a secret-free redirect from the
// opted-in origin itself. Held on the current code; kept as coverage (ssrf/egress suites test the
// spellings without any opt-in, redteam5 the opt-in's scope).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectUntouched, startAttacker } from '../helpers/adversarial.js';
import type { Resolver } from '../../src/egress/connector.js';

const VALUE = `rt10-optin-${randomBytes(12).toString('hex')}`;
const resolver: Resolver = async (host) => (host === 'svc.rt10.test' ? [{ address: '127.0.0.1', family: 4 }] : []);

let t: TempHome;
let api: Stub; // the admin's internal service, on 127.0.0.1 only
let attacker: Stub; // another port of loopback (IPv4 and IPv6)
let s: InProcessSession;

beforeAll(async () => {
  api = await startStub({ host: '127.0.0.1' });
  attacker = await startAttacker();
  t = tempHome();
  await seedSecret(t.env, 'INTERNAL', VALUE, '--host', `http://127.0.0.1:${api.port}`);
  s = await connectInProcess(t.env, { resolver });
}, 30_000);

beforeEach(() => {
  api.reset();
  attacker.reset();
});

afterAll(async () => {
  await s?.close();
  await api?.close();
  await attacker?.close();
  t?.cleanup();
});

const elsewhere: Array<[string, () => string]> = [
  ['a loopback name', () => `http://localhost:${api.port}/rt10`],
  ['0.0.0.0', () => `http://0.0.0.0:${api.port}/rt10`],
  ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${api.port}/rt10`],
  ['IPv4-compatible IPv6', () => `http://[::127.0.0.1]:${api.port}/rt10`],
  ['a DNS name answering 127.0.0.1', () => `http://svc.rt10.test:${api.port}/rt10`],
  ['https on the same address and port', () => `https://127.0.0.1:${api.port}/rt10`],
  ['another port of the same address', () => `http://127.0.0.1:${attacker.port}/rt10`],
  ['IPv6 loopback on the other port', () => `http://[::1]:${attacker.port}/rt10`],
];

describe('redteam10: an opt-in to http://127.0.0.1:PORT is that origin only', () => {
  it('control: the opted-in origin itself is reached (with its secret)', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `${api.url}/echo`, headers: { 'x-key': '<secrets.INTERNAL>' } });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(api.requests).toHaveLength(1);
  });

  it.each(elsewhere)('%s is refused, secret-free, nothing connected', async (_label, url) => {
    const r = await s.call('http_request', { method: 'GET', url: url() });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    expect(api.requests.filter((q) => q.url.startsWith('/rt10'))).toHaveLength(0);
    expectUntouched(attacker);
  });

  it.each(elsewhere)('%s is refused as a redirect hop from the opted-in origin', async (_label, url) => {
    const r = await s.call('http_request', { method: 'GET', url: `${api.url}/redirect?status=302&to=${encodeURIComponent(url())}` });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    expect(api.requests.map((q) => q.url.split('?')[0])).toEqual(['/redirect']);
    expectUntouched(attacker);
  });

  it.each(elsewhere)('%s never gets the secret bound to the opted-in origin', async (_label, url) => {
    const r = await s.call('http_request', { method: 'GET', url: url(), headers: { 'x-key': '<secrets.INTERNAL>' } });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('HOST_NOT_ALLOWED');
    expect(visible(r).includes(VALUE)).toBe(false);
    expect(api.requests).toHaveLength(0);
    expectUntouched(attacker);
  });
});
