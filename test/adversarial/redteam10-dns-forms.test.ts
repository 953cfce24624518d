// Tenth red team, egress (SPEC §1 promise 5): a DNS answer that embeds or routes to an inside
// address in an IPv6 spelling the existing suites do not pin (6to4 and Teredo wrapping 127.0.0.1,
// IPv4-compatible ::127.0.0.1, SIIT ::ffff:0:a.b.c.d, NAT64 local-use 64:ff9b:1::, a link-local
// answer with a zone id, ::ffff:169.254.169.254 in hex), and an answer that is not an address at
// all, is refused at connect time, with a secret on board too. Held on the current code.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { expectUntouched, startAttacker } from '../helpers/adversarial.js';
import type { Stub } from '../helpers/stub.js';
import type { Resolver } from '../../src/egress/connector.js';

const VALUE = `rt10-dns-${randomBytes(12).toString('hex')}`;
const ANSWERS: Record<string, string> = {
  'sixtofour.rt10.test': '2002:7f00:1::1',
  'teredo.rt10.test': '2001:0:4136:e378:8000:63bf:80ff:fffe',
  'compat.rt10.test': '::127.0.0.1',
  'siit.rt10.test': '::ffff:0:127.0.0.1',
  'nat64local.rt10.test': '64:ff9b:1::7f00:1',
  'zone.rt10.test': 'fe80::1%lo',
  'metahex.rt10.test': '::ffff:a9fe:a9fe',
  'garbage.rt10.test': 'not-an-address',
};
const resolver: Resolver = async (host) => {
  const a = ANSWERS[host];
  return a ? [{ address: a, family: a.includes(':') ? 6 : 4 }] : [];
};

let t: TempHome;
let attacker: Stub;
let s: InProcessSession;

beforeAll(async () => {
  attacker = await startAttacker();
  t = tempHome();
  // Bound by wildcard over plain https: a binding, not an opt-in to special addresses.
  await seedSecret(t.env, 'WILD', VALUE, '--host', `https://*.rt10.test:${attacker.port}`, '--host', `http://*.rt10.test:${attacker.port}`);
  s = await connectInProcess(t.env, { resolver });
}, 30_000);

beforeEach(() => attacker.reset());

afterAll(async () => {
  await s?.close();
  await attacker?.close();
  t?.cleanup();
});

describe('redteam10: DNS answers in IPv6 spellings that reach inside are refused', () => {
  it.each(Object.keys(ANSWERS))('%s, with the secret', async (host) => {
    const r = await s.call('http_request', { method: 'GET', url: `http://${host}:${attacker.port}/`, headers: { 'x-key': '<secrets.WILD>' } });
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
    expect(visible(r).includes(VALUE)).toBe(false);
    expectUntouched(attacker);
  });
});
