// Ninth red team, the library door (src/open.ts Blindfold.as). src/policy/scope.ts: "What a
// principal may see and use: secret-name and task-name globs, and the environment its values come
// from ... Scopes nest: `as(...)` can narrow a principal and never widen it" (README: "A handle
// made from a scoped handle is never wider than it"). Globs nest (`within`), but the environment
// and the suspension do not: `as()` takes `scope.env` as given, and the new principal id starts
// with no suspension of its own. Code that holds a handle scoped to `development` (the handle a
// team server or an orchestrator hands a component, an adapter wrapping it) gets `production`
// values with one call; code holding a suspended principal's handle sends again under a fresh id.
//
// The same holds for `admin` (src/open.ts `get admin()`): every handle, scoped or suspended, hands
// out the core's admin operations under its own principal id, so a handle scoped to one secret
// lists every secret of the vault, rebinds any of them, and clears its own suspension.
//
// Findings (red now), low: not reachable through the tool surface an agent runtime gets (the
// adapters never call as() or admin), only by code that holds a handle; the README says to keep
// `admin` to one's own code, but nothing ties it to the core's handle, unlike close().
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const DEV = `rt9-dev-${randomBytes(12).toString('base64url')}`;
const PROD = `rt9-prod-${randomBytes(12).toString('base64url')}`;
let t: TempHome;
let up: Listening;
let core: Blindfold;
const seen: string[] = [];

beforeAll(async () => {
  up = await listenOn(
    createServer((req, res) => {
      seen.push(String(req.headers['x-api-key'] ?? ''));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }),
  );
  t = tempHome();
  await setSecret(t, 'KEY', DEV, '--host', up.url);
  await setSecret(t, 'KEY', PROD, '--host', up.url, '--env', 'production');
  await setSecret(t, 'OTHER', `rt9-other-${randomBytes(12).toString('base64url')}`, '--host', 'https://billing.example.com');
  core = await openBlindfold({ home: t.home, principal: 'rt9-core', env: 'development' });
}, 30_000);

afterAll(async () => {
  await core?.close();
  await up?.close();
  t?.cleanup();
});

const call = (h: Blindfold) => h.httpRequest({ method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': '<secrets.KEY>' } });

describe('redteam9: a scoped handle widened by as()', () => {
  it('a handle scoped to development cannot make a handle that resolves production values', async () => {
    const scoped = core.as({ principal: 'rt9-dev-only', env: 'development', secrets: ['KEY'] });
    seen.length = 0;
    let refused = false;
    try {
      await call(scoped.as({ principal: 'rt9-dev-only-child', env: 'production' }));
    } catch {
      refused = true;
    }
    // Before a fix: the call succeeds and the upstream receives the production value.
    expect(refused || !seen.includes(PROD), 'a development-scoped handle sent the production value').toBe(true);
  });

  it("a suspended principal's handle cannot go on sending under a new principal id", async () => {
    const agent = core.as({ principal: 'rt9-guesser', secrets: ['KEY'] });
    // Its guess (DEV itself in its input) trips the wire: suspended until a human clears it.
    await expect(agent.httpRequest({ method: 'GET', url: `${up.url}/x`, headers: { 'x-note': DEV } })).rejects.toMatchObject({ code: 'REQUEST_REFUSED' });
    await expect(call(agent)).rejects.toMatchObject({ code: 'PRINCIPAL_SUSPENDED' });
    seen.length = 0;
    let refused = false;
    try {
      await call(agent.as({ principal: 'rt9-guesser-again' }));
    } catch {
      refused = true;
    }
    // Before a fix: the child handle is not suspended and KEY is sent again.
    expect(refused && seen.length === 0, 'a child of a suspended handle sent a secret').toBe(true);
  });

  it('a handle scoped to KEY neither lists OTHER nor lifts its own suspension through admin', async () => {
    const agent = core.as({ principal: 'rt9-admin-scoped', secrets: ['KEY'] });
    await expect(agent.httpRequest({ method: 'GET', url: `${up.url}/x`, headers: { 'x-note': DEV } })).rejects.toMatchObject({ code: 'REQUEST_REFUSED' });
    let names: string[] = [];
    let cleared = false;
    try {
      names = (await agent.admin.list()).map((s) => s.name);
      cleared = await agent.admin.clear(agent.principal.id);
    } catch {
      // refused: what a fix may do
    }
    // Before a fix: OTHER is listed, and the suspension is lifted by the suspended handle itself.
    expect.soft(names.includes('OTHER'), 'a scoped handle listed a secret outside its scope').toBe(false);
    expect(cleared, 'a suspended handle cleared its own suspension').toBe(false);
  });

  it("a scoped handle does not reach the home's pending requests (the admin page's list and answers)", () => {
    const agent = core.as({ principal: 'rt9-requests-scoped', secrets: ['KEY'] });
    expect(() => agent.secretRequests).toThrow(expect.objectContaining({ code: 'REQUEST_REFUSED' }));
    // Its own wait for a human stays readable (request_secret uses it), and the core's handle keeps the list.
    expect(agent.secretRequestWaitMs).toBeGreaterThan(0);
    expect(typeof core.secretRequests.list).toBe('function');
  });
});
