// Tenth red team, egress and scope (SPEC §1 promise 5, README promise 13): the opt-in to another
// team's internal origin (BETA_INTERNAL bound to http://127.0.0.1:B) is not reached by a scoped
// handle (ALPHA_*) through a redirect hop either: its own opted-in origin answering
// `302 Location: http://127.0.0.1:B/` is refused at the hop, with no connection to B. redteam5
// tests the direct request; this is the hop. Held on the current code (library door).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectUntouched } from '../helpers/adversarial.js';
import { openBlindfold, type Blindfold } from '../../src/index.js';

const ALPHA = `rt10-alpha-${randomBytes(12).toString('hex')}`;
const BETA = `rt10-beta-${randomBytes(12).toString('hex')}`;

let t: TempHome;
let alphaSvc: Stub;
let betaSvc: Stub;
let core: Blindfold;
let alpha: Blindfold;

beforeAll(async () => {
  alphaSvc = await startStub({ host: '127.0.0.1' });
  betaSvc = await startStub({ host: '127.0.0.1' });
  t = tempHome();
  await seedSecret(t.env, 'ALPHA_INTERNAL', ALPHA, '--host', alphaSvc.origin);
  await seedSecret(t.env, 'BETA_INTERNAL', BETA, '--host', betaSvc.origin);
  core = await openBlindfold({ home: t.home, principal: 'rt10' });
  alpha = core.as({ principal: 'rt10-alpha', secrets: ['ALPHA_*'] });
}, 30_000);

afterAll(async () => {
  await core?.close();
  await alphaSvc?.close();
  await betaSvc?.close();
  t?.cleanup();
});

describe('redteam10: a scoped handle does not reach another scope\'s internal origin through a hop', () => {
  it('control: the handle reaches its own opted-in origin', async () => {
    const r = await alpha.httpRequest({ method: 'GET', url: `${alphaSvc.url}/echo` });
    expect(r.status).toBe(200);
  });

  it('a secret-free 302 from its own origin to the other scope\'s origin is refused at the hop', async () => {
    betaSvc.reset();
    const err = await alpha
      .httpRequest({ method: 'GET', url: `${alphaSvc.url}/redirect?status=302&to=${encodeURIComponent(`${betaSvc.url}/echo`)}` })
      .then(() => undefined, (e: { code?: string }) => e);
    expect(err?.code).toBe('ADDRESS_NOT_ALLOWED');
    expectUntouched(betaSvc, 'the other scope\'s internal service');
  });
});
