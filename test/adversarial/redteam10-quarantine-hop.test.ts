// Tenth red team, egress: a quarantined origin ("its answers tripped the wire, so nothing is sent
// there until an admin reviews it", src/broker.ts) is checked on the FIRST URL only
// (`this.#quarantine?.isQuarantined(trail.origin)`, trail.origin = request.target.origin). A
// redirect hop is not re-checked (src/egress/redirects.ts follow() asks only the address guard and
// refuseHop), so a secret-free request to any other origin that answers `302 Location: <quarantined>`
// is sent on to the quarantined origin and its answer is shown. The quarantine exists so an origin
// that planted pieces of values is not read again; the hop reads it again. (Response trips are
// also recorded against trail.origin, the first origin, not the origin that answered.)
// And the check compares origin strings (normalOrigin: URL.origin), so the quarantined host spelt
// with a trailing dot (`http://planted.example.:P`, the same DNS name and the same server) is
// another origin to it and is sent the request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { TripQuarantine } from '../../src/policy/quarantine.js';
import { resolvePaths } from '../../src/config.js';
import { Vault } from '../../src/vault/vault.js';
import type { Resolver } from '../../src/egress/connector.js';

const NAME = 'planted.rt10.test';
const resolver: Resolver = async (host) => (host === NAME ? [{ address: '127.0.0.1', family: 4 }] : []);

let t: TempHome;
let redirector: Stub; // any origin the agent may call (opted in here: it stands for a public host)
let planted: Stub; // the origin whose answers tripped the wire twice
let s: InProcessSession;

beforeAll(async () => {
  redirector = await startStub({ host: '127.0.0.1' });
  planted = await startStub({ host: '127.0.0.1' });
  t = tempHome();
  const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env, create: true });
  const quarantine = TripQuarantine.in(vault.state);
  for (const origin of [planted.origin, `http://${NAME}:${planted.port}`]) {
    await quarantine.recordTrip(origin);
    await quarantine.recordTrip(origin);
    expect(quarantine.isQuarantined(origin)).toBe(true);
  }
  // Every origin here stands for a public host (config opt-ins): reachability is not what is tested.
  s = await connectInProcess(t.env, {
    resolver,
    allowOrigins: [redirector.origin, planted.origin, `http://${NAME}:${planted.port}`, `http://${NAME}.:${planted.port}`],
  });
}, 30_000);

beforeEach(() => {
  redirector.reset();
  planted.reset();
});

afterAll(async () => {
  await s?.close();
  await redirector?.close();
  await planted?.close();
  t?.cleanup();
});

describe('redteam10: a quarantined origin is not reached through a redirect', () => {
  it('control: asked directly, it is refused and sent nothing', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `${planted.url}/echo` });
    expect(visible(r)).toContain('quarantined');
    expect(planted.requests).toHaveLength(0);
  });

  it('a secret-free 302 from another origin does not carry the request there', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `${redirector.url}/redirect?status=302&to=${encodeURIComponent(`${planted.url}/echo`)}` });
    expect(planted.requests, 'the quarantined origin was sent a request').toHaveLength(0);
    expect(r.isError || (r.structuredContent as { redirectNotFollowed?: string }).redirectNotFollowed !== undefined, visible(r)).toBe(true);
  });

  it('control: the quarantined name, asked directly, is refused', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `http://${NAME}:${planted.port}/echo` });
    expect(visible(r)).toContain('quarantined');
    expect(planted.requests).toHaveLength(0);
  });

  it('the quarantined name spelt with a trailing dot is the same origin to the quarantine', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `http://${NAME}.:${planted.port}/echo` });
    expect(planted.requests, 'the quarantined host was sent a request').toHaveLength(0);
    expect(visible(r)).toContain('quarantined');
  });
});
