// A response-side trip counts against the origin that answered (issue 18, "response-side trips
// count against the origin too"): with a redirect in between, that is the last hop, not the URL the
// agent asked for. Counted against the first URL, an agent with an open redirect on an honest API
// would get that API quarantined for every principal, and the origin that planted the piece would
// go free (red team 10).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { resolvePaths } from '../../src/config.js';
import { TripQuarantine } from '../../src/policy/quarantine.js';
import { Vault } from '../../src/vault/vault.js';

// Bound elsewhere and never placed by the agent: a piece of it in an answer is a trip.
const OTHER = `qab-${randomBytes(18).toString('base64url')}`;
let t: TempHome;
let first: Stub; // the URL the agent asks for: it only redirects
let answerer: Stub; // the hop that answers with a piece of OTHER
let s: InProcessSession;

beforeAll(async () => {
  first = await startStub({ host: '127.0.0.1' });
  answerer = await startStub({ host: '127.0.0.1', known: [OTHER] });
  t = tempHome();
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
  s = await connectInProcess(t.env, { allowOrigins: [first.origin, answerer.origin] });
}, 30_000);

afterAll(async () => {
  await s?.close();
  await first?.close();
  await answerer?.close();
  t?.cleanup();
});

describe('a response-side trip behind a redirect', () => {
  it('counts against the origin that answered, not the one the agent asked', async () => {
    const to = `${answerer.url}/reflect-known?i=0&as=cut-first`;
    const r = await s.call('http_request', { method: 'GET', url: `${first.url}/redirect?to=${encodeURIComponent(to)}` });
    expect(visible(r)).toContain('REQUEST_REFUSED');
    // The trip is recorded after the reply (bookkeeping): read the home's quarantine until it lands.
    const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
    const quarantine = TripQuarantine.in(vault.state);
    let origins: string[] = [];
    for (let i = 0; i < 50 && origins.length === 0; i++) {
      await vault.refresh();
      origins = quarantine.list().map((e) => e.origin);
      if (origins.length === 0) await new Promise((res) => setTimeout(res, 100));
    }
    await vault.close();
    expect(origins).toEqual([answerer.origin]);
  });
});
