// Red team 12c, family 9 (retired values forgotten), severity: medium.
//
// A retired value (removed with `rm`, or kept in the history of an update) must keep *tripping*
// the wire, not only being redacted (issue 18 item 9, SPEC §1.4/§1.4a: tombstones "keep redacting
// and tripping"). But whether a retired value is public is read from the name's *current* record:
// src/vault/plaintext.ts fingerprintEvery() yields every tombstone of a name with
// `public: record.policy.public` ("A name's current record says whether it is public"), and every
// kept history version with `slot.record.policy.public`. So when the admin later stores a
// publishable key under that name (`set NAME --public`, a normal move: the secret key is replaced
// by a `pk_live_` one), every earlier, secret value of that name is indexed as public: redacted,
// but never a tripwire. An agent can then guess windows of the retired secret freely (the old
// credential may still work upstream): no refusal, no suspension, the guess is sent.
// The tombstone itself records whether the value was public when it retired (`t.public`); the
// current record should not override it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { setSecret } from '../helpers/adversarial.js';
import { expectNoTrace } from '../helpers/traces.js';

const REMOVED_SECRET = 'rmsec-Kq7Zt3Wv9Bn2Xr5Lm8Hd4';
const HISTORY_SECRET = 'hist-Pw4Ty8Qe2Nc6Vb9Jz3Ka7';
const PUBLIC_A = 'pk_live_51Hx9Rt2Kq8Wm4Zv7Bn3Lc6Ty1';
const PUBLIC_B = 'pk_live_51Jd6Fs3Gh8Pk2Lq9Mn4Bv7Cx5';
const LIVE = 'live-Ux5Rb8Nc2Mq6Wt3Yk9Pd4';
const CONTROL_SECRET = 'ctl-Gm3Rw8Yx2Lp6Dk9Vs4Hq7';
const CONTROL_NEXT = 'ctl2-Nb7Qs4Tw9Zm2Xc5Lr8';
const ROLLED_SECRET = 'roll-Hc6Vx3Qm8Zt2Wk5Np9';
const PUBLIC_C = 'pk_live_51Qs4Nw8Ty2Lm7Xc3Rb9Vd6';

let t: TempHome;
let stub: Stub;
let session: StdioSession;

const cli = (args: string[], input?: string) => {
  const r = runCli(args, { env: t.env, ...(input !== undefined ? { input } : {}) });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const code = (r: Awaited<ReturnType<StdioSession['call']>>) => (r.structuredContent as { code?: string } | undefined)?.code ?? visible(r);

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  const host = ['--host', stub.origin, '--placement', 'header'];
  await setSecret(t, 'LIVE', LIVE, ...host);
  // 1. A secret key removed, then the name reused for the vendor's publishable key.
  await setSecret(t, 'STRIPE_KEY', REMOVED_SECRET, ...host);
  cli(['rm', 'STRIPE_KEY', '--force']);
  cli(['set', 'STRIPE_KEY', '--public', '--host', stub.origin], PUBLIC_A);
  // 2. A secret value replaced by a publishable one: the secret stays in the kept history.
  await setSecret(t, 'PAY_KEY', HISTORY_SECRET, ...host);
  cli(['set', 'PAY_KEY', '--public', '--host', stub.origin], PUBLIC_B);
  // Control: the same, re-created with a secret value (this one holds today).
  await setSecret(t, 'CONTROL_KEY', CONTROL_SECRET, ...host);
  cli(['rm', 'CONTROL_KEY', '--force']);
  await setSecret(t, 'CONTROL_KEY', CONTROL_NEXT, ...host);
  // 3. A secret version rolled back to from behind a public one comes back secret (its own mark).
  await setSecret(t, 'ROLL_KEY', ROLLED_SECRET, ...host);
  cli(['set', 'ROLL_KEY', '--public', '--host', stub.origin], PUBLIC_C);
  cli(['rollback', 'ROLL_KEY', '--to', '1']);
  session = await connectStdio(t.env);
}, 30_000);

afterAll(async () => {
  await session?.close();
  await stub?.close();
  if (session) expectNoTrace(session.stderr(), [REMOVED_SECRET, HISTORY_SECRET, LIVE, CONTROL_SECRET, CONTROL_NEXT, ROLLED_SECRET], 'server stderr');
  t?.cleanup();
});

async function expectTrips(window: string): Promise<void> {
  stub.reset();
  const r = await session.call('http_request', { method: 'POST', url: `${stub.url}/echo`, body: `is this it? ${window}` });
  const sent = stub.requests.length;
  const after = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.LIVE>' } });
  cli(['clear', '--all']);
  expect(sent, 'a window of a retired secret value reached the upstream').toBe(0);
  expect(r.isError, 'a window of a retired secret value was accepted').toBe(true);
  // Booleans only: a failing message must not print what the echo stub sent back (it holds the guess).
  expect(code(r).includes('REQUEST_REFUSED'), 'not refused as a tripwire').toBe(true);
  expect(code(after).includes('PRINCIPAL_SUSPENDED'), 'the guesser was not suspended').toBe(true);
}

describe('family 9: a retired secret value stays a tripwire when its name later holds a public value', () => {
  it('control: a removed value trips when the name is re-created with a secret value (holds)', async () => {
    await expectTrips(CONTROL_SECRET.slice(4, 20));
  });

  it('a removed secret value still trips after the name is re-created with --public', async () => {
    await expectTrips(REMOVED_SECRET.slice(6, 22));
  });

  it('a secret value kept in history still trips after the current value is set --public', async () => {
    await expectTrips(HISTORY_SECRET.slice(5, 21));
  });

  it('a secret version made current again by rollback, from behind a public one, trips', async () => {
    await expectTrips(ROLLED_SECRET.slice(5, 21));
  });
});
