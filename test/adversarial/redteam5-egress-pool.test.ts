// Fifth red team, egress (SPEC §1 promise 5; README "Requests never reach loopback, private,
// link-local … checked on the address actually connected to, unless a secret's hosts name that
// origin as an explicit http:// origin").
//
// The attack: the address guard runs in undici's connector (src/egress/connector.ts), i.e. only
// when a NEW connection is opened; before sending, assertUrlAllowedBeforeDns refuses only literal
// special addresses and localhost names. undici keeps connections alive per origin. So once an
// admin-opted-in origin spelt as a NAME (`http://internal.rt5.test:PORT`, resolving to a loopback
// address) has been used, its pooled keep-alive connection stays in the dispatcher after the admin
// withdraws the opt-in (rebinds or deletes the secret): the agent's next request to that origin —
// no secret needed — goes out on the old socket to the loopback service, which the guard would now
// refuse on any fresh connection. An agent keeps the socket warm by calling again within the
// keep-alive time (a few seconds), indefinitely.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import type { Resolver } from '../../src/egress/connector.js';

const VALUE = `rt5-int-${randomBytes(16).toString('hex')}`;
const NAME = 'internal.rt5.test';
/** Test DNS: the internal name answers loopback (as a split-horizon name would answer 10.x). */
const resolver: Resolver = async (host) => (host === NAME || host === `fresh.${NAME}` ? [{ address: '127.0.0.1', family: 4 }] : []);

let t: TempHome;
let stub: Stub;
let s: InProcessSession;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedSecret(t.env, 'INTERNAL_KEY', VALUE, '--host', `http://${NAME}:${stub.port}`);
  s = await connectInProcess(t.env, { resolver });
}, 30_000);

afterAll(async () => {
  await s?.close();
  await stub?.close();
  t?.cleanup();
});

describe('redteam5: an opt-in withdrawn by the admin is withdrawn for pooled connections too', () => {
  it('after the admin rebinds the secret away from the internal name, the agent no longer reaches it', async () => {
    // While the admin's opt-in stands, the internal origin is reachable (promised).
    const first = await s.call('http_request', { method: 'GET', url: `http://${NAME}:${stub.port}/echo`, headers: { 'x-api-key': '<secrets.INTERNAL_KEY>' } });
    expect(first.isError, visible(first)).toBeFalsy();
    expect(stub.requests).toHaveLength(1);

    // The admin withdraws the opt-in: the secret is bound elsewhere now.
    await seedSecret(t.env, 'INTERNAL_KEY', VALUE, '--host', 'https://api.example.com');

    // A fresh connection to a loopback answer is refused now (the guard works on new sockets)…
    const fresh = await s.call('http_request', { method: 'GET', url: `http://fresh.${NAME}:${stub.port}/rt5-never-fresh` });
    expect(visible(fresh)).toContain('ADDRESS_NOT_ALLOWED');

    // …and so must be the origin whose keep-alive socket is still in the pool.
    const again = await s.call('http_request', { method: 'GET', url: `http://${NAME}:${stub.port}/rt5-never-admin` });
    expect(stub.requests.map((r) => r.url), 'a request reached the loopback service after the opt-in was withdrawn').toEqual(['/echo']);
    expect(again.isError, visible(again)).toBe(true);
    expect(visible(again)).toContain('ADDRESS_NOT_ALLOWED');
  });
});
