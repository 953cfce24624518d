// Issue 18 item 9: retired values stay known. A value removed (`rm`) or rotated out of the kept
// history may still work upstream, and upstreams still hold it: its fingerprints stay in the vault
// as a tombstone, so an upstream echoing it is still redacted and an agent sending a window of it
// still trips the wire, across a restart. Only `rm --forget-fingerprints` (audited) drops them.
// Through the real CLI and the real stdio server, against the loopback stub's /reflect-known, which
// holds the values out of band (this server process never resolved them).
import { readFileSync } from 'node:fs';
import { readVaultDocument } from '../helpers/vault-file.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectAgentSawNothing, expectNoValueAtRest, setSecret } from '../helpers/adversarial.js';

const GONE = 'gone-Vq7Lm2Xc9Rt4Bz8Np3Kw6';
const ROTATED = 'rot0-Hd5Jw8Qs1Fy6Gc3Pv9Tz2';
const FIRST_LIFE = 'life1-Mb4Nx7Ke2Ur9Wa5Ld8Zo';
const SECOND_LIFE = 'life2-Ty6Qg3Rc8Vn1Xs4Hp7Jm';
const FORGOTTEN = 'forg-Za2Wq5Ek8Rn3Ty6Uo9Ip1';
const LATER = 'later-Qw3Er6Ty9Ui2Op5As8Df';
const KNOWN = [GONE, ROTATED, FIRST_LIFE, FORGOTTEN];
/** Every value the server must keep hidden (FORGOTTEN is shown on purpose, once forgotten). */
const HIDDEN = [GONE, ROTATED, FIRST_LIFE, SECOND_LIFE, LATER];
const HISTORY_LIMIT = 10;

let t: TempHome;
let stub: Stub;
let session: StdioSession;

const cli = (...args: string[]) => {
  const r = runCli(args, { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const reflect = (i: number) => session.call('http_request', { method: 'GET', url: `${stub.url}/reflect-known?i=${i}&as=raw` });
const code = (r: Awaited<ReturnType<typeof reflect>>) => (r.structuredContent as { code?: string } | undefined)?.code ?? visible(r);

beforeAll(async () => {
  stub = await startStub({ known: KNOWN });
  t = tempHome();
  const host = ['--host', stub.origin, '--placement', 'header', '--placement', 'body'];
  await setSecret(t, 'LIVE', 'live-Xe3Rb7Nc1Mq5Wt9Yk2Pd4', ...host);
  await setSecret(t, 'GONE_KEY', GONE, ...host);
  cli('rm', 'GONE_KEY');
  // Version 1 leaves the kept history when the current version and HISTORY_LIMIT earlier ones are newer.
  await setSecret(t, 'ROTATING', ROTATED, ...host);
  for (let v = 1; v <= HISTORY_LIMIT + 1; v++) await setSecret(t, 'ROTATING', `rot${v}-Lk${v}Qx7Vb2Nm8Zc4Rt6Wy`, ...host);
  await setSecret(t, 'AGAIN', FIRST_LIFE, ...host);
  cli('rm', 'AGAIN');
  await setSecret(t, 'AGAIN', SECOND_LIFE, ...host);
  await setSecret(t, 'FORGET_ME', FORGOTTEN, ...host);
  cli('rm', 'FORGET_ME', '--forget-fingerprints');
  // Started after every change: what it redacts comes from the vault file, not from this process's memory.
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await stub?.close();
  if (t) expectNoValueAtRest(t, session ? [session] : [], HIDDEN);
  t?.cleanup();
});

describe('retired values stay known', () => {
  it('an upstream echo of a removed value is redacted', async () => {
    const r = await reflect(0);
    expectAgentSawNothing(r, [GONE], { redacted: [] });
  });

  it('an upstream echo of a value rotated out of the kept history is redacted', async () => {
    const versions = (JSON.parse(cli('history', 'ROTATING', '--json')) as { versions: Array<{ version: number }> }).versions.map((h) => h.version);
    expect(versions).toHaveLength(HISTORY_LIMIT + 1);
    expect(versions).not.toContain(1);
    expectAgentSawNothing(await reflect(1), [ROTATED], { redacted: [] });
  });

  it('a name removed and created again keeps the fingerprints of its first life', async () => {
    expectAgentSawNothing(await reflect(2), [FIRST_LIFE], { redacted: [] });
  });

  it('rm --forget-fingerprints drops them, as an audited change of its own', async () => {
    // The control: the stub really hands the value out, and without its tombstone nothing hides it.
    const r = await reflect(3);
    expect(r.isError).toBeFalsy();
    expect(visible(r).includes(FORGOTTEN), 'the forgotten value is shown again').toBe(true);
    const entries = JSON.parse(cli('audit', '--secret', 'FORGET_ME', '--json')) as Array<{ action: string; reason?: string }>;
    expect(entries.map((e) => e.action)).toEqual(['secret.create', 'secret.delete', 'secret.forget']);
    expect(entries[2]!.reason).toMatch(/^fingerprints forgotten: 0 retired value\(s\) no longer redacted, and the current ones with them/);
  });

  it('a name already removed can have its fingerprints forgotten later; plain rm keeps them', async () => {
    const retired = () => Object.keys((readVaultDocument(`${t.home}/vault.json`) as { retired: object }).retired);
    await setSecret(t, 'LATER', LATER, '--host', stub.origin);
    cli('rm', 'LATER');
    expect(retired()).toContain('LATER');
    expect(JSON.parse(cli('rm', 'LATER', '--forget-fingerprints', '--json'))).toMatchObject({ removed: null, forgotten: 'LATER', retiredForgotten: 1 });
    expect(retired()).not.toContain('LATER');
    const entries = JSON.parse(cli('audit', '--secret', 'LATER', '--json')) as Array<{ action: string; reason?: string }>;
    expect(entries.at(-1)!.reason).toMatch(/^fingerprints forgotten: 1 retired value/);
  });

  it('show counts the retired values remembered; the vault keeps sealed fingerprints, never a ciphertext', () => {
    expect(cli('show', 'ROTATING')).toMatch(/retired values remembered\s+1\b/);
    expect((JSON.parse(cli('show', 'AGAIN', '--json')) as { secret: { retiredRemembered: number } }).secret.retiredRemembered).toBe(1);
    const file = readVaultDocument(`${t.home}/vault.json`) as { retired: Record<string, Array<Record<string, unknown>>> };
    expect(Object.keys(file.retired).sort()).toEqual(['AGAIN', 'GONE_KEY', 'ROTATING']);
    for (const tombstones of Object.values(file.retired)) {
      for (const tomb of tombstones) expect(Object.keys(tomb).sort()).toEqual(['env', 'retiredAt', 'scheme', 'sealed', 'v']);
    }
  });

  it('sending a window of a removed value trips the wire: refused, nothing sent, principal suspended', async () => {
    stub.reset();
    const r = await session.call('http_request', { method: 'POST', url: `${stub.url}/echo`, body: `is this it? ${GONE.slice(3, 19)}` });
    expect(r.isError).toBe(true);
    expect(code(r)).toContain('REQUEST_REFUSED');
    expect(stub.requests).toHaveLength(0);
    const legit = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.LIVE>' } });
    expect(code(legit)).toContain('PRINCIPAL_SUSPENDED');
    expect(JSON.parse(cli('suspended', '--json'))).toHaveLength(1);
    cli('clear', '--all');
  });

  it('so does a window of a value rotated out', async () => {
    const r = await session.call('http_request', { method: 'POST', url: `${stub.url}/echo`, body: ROTATED.slice(5, 19) });
    expect(code(r)).toContain('REQUEST_REFUSED');
    cli('clear', '--all');
  });
});
