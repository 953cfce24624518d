// Tenth red team, egress (SPEC §1 promise 5; src/egress/scoped-egress.ts: "When an admin withdraws
// an opt-in, the callers' set changes and their next request gets a dispatcher of its own").
//
// The attack: a request picks its dispatcher once, when it starts (broker #httpRequest
// dispatcherFor), and every redirect hop of it goes through that dispatcher, whose connect-time
// guard consults the opt-ins as they were then (a snapshot set). Per hop, follow()
// (src/egress/redirects.ts) re-checks only assertUrlAllowedBeforeDns, which refuses literal special
// addresses and localhost names but lets any other NAME through to DNS. So an agent starts a
// secret-free request at a server of its own (opted in here to stand for a public host) that holds
// its answer; the admin withdraws the opt-in of an internal NAME (rebinds the secret elsewhere) and
// the server knows it (a later call refreshed the vault: the pool test's "fresh" request is refused
// now); the held answer then redirects to the internal name, and the hop connects to the loopback
// service through the stale dispatcher, up to the request's 120 s deadline after the withdrawal.
import { createServer, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { startStub, type Stub } from '../helpers/stub.js';
import type { Resolver } from '../../src/egress/connector.js';

const VALUE = `rt10-inflight-${randomBytes(12).toString('hex')}`;
const NAME = 'internal.rt10.test';
const resolver: Resolver = async (host) => (host === NAME || host === `fresh.${NAME}` ? [{ address: '127.0.0.1', family: 4 }] : []);

let t: TempHome;
let internal: Stub;
let agentServer: Listening;
let held: ServerResponse | undefined;
let heldArrived: () => void = () => {};
let s: InProcessSession;

beforeAll(async () => {
  internal = await startStub({ host: '127.0.0.1' });
  agentServer = await listenOn(
    createServer((req, res) => {
      if (req.url === '/hold') {
        held = res;
        heldArrived();
      } else res.writeHead(404).end();
    }),
  );
  t = tempHome();
  await seedSecret(t.env, 'INTERNAL_KEY', VALUE, '--host', `http://${NAME}:${internal.port}`);
  s = await connectInProcess(t.env, { resolver, allowOrigins: [agentServer.url] });
}, 30_000);

afterAll(async () => {
  held?.destroy();
  await s?.close();
  await internal?.close();
  await agentServer?.close();
  t?.cleanup();
});

describe('redteam10: an opt-in withdrawn while a request is in flight is withdrawn for its later hops', () => {
  it('a hop taken after the withdrawal does not reach the internal name', async () => {
    // While the opt-in stands, the internal origin is reached (promised).
    const first = await s.call('http_request', { method: 'GET', url: `http://${NAME}:${internal.port}/before` });
    expect(first.isError, visible(first)).toBeFalsy();

    const arrived = new Promise<void>((r) => (heldArrived = r));
    const inFlight = s.call('http_request', { method: 'GET', url: `${agentServer.url}/hold`, timeoutMs: 20_000 });
    await arrived;

    // The admin withdraws the opt-in, and the server knows it: a fresh connection is refused now.
    await seedSecret(t.env, 'INTERNAL_KEY', VALUE, '--host', 'https://api.example.com');
    const fresh = await s.call('http_request', { method: 'GET', url: `http://fresh.${NAME}:${internal.port}/fresh` });
    expect(visible(fresh)).toContain('ADDRESS_NOT_ALLOWED');

    // The held answer now sends the in-flight request to the internal name.
    held!.writeHead(302, { location: `http://${NAME}:${internal.port}/after-withdrawal` }).end();
    const r = await inFlight;
    expect(internal.requests.map((q) => q.url), 'a hop reached the internal service after the opt-in was withdrawn').toEqual(['/before']);
    expect(r.isError, visible(r)).toBe(true);
    expect(visible(r)).toContain('ADDRESS_NOT_ALLOWED');
  });
});
