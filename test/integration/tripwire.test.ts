// Promise 4a: a stored value can reach an agent's input only by guessing. Secret material in what
// an agent sends refuses the call (naming no input), is audited as an attack and suspends that
// principal until a human clears it; nothing is sent meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'trip-Kx7Qm2Vb9Lw4Zr8Nt3Yp6Hs1';
const OWN_TOKEN = 'sk-live-agents-own-0Rf5Gd2Js8Ue4Wa';
let t: TempHome;
let stub: Stub;
let session: StdioSession;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  const r = runCli(['set', 'TRIP_KEY', '--host', stub.origin, '--placement', 'header', '--placement', 'body'], { env: t.env, input: VALUE });
  expect(r.code, r.stderr).toBe(0);
  session = await connectStdio(t.env);
});
afterAll(async () => {
  await session.close();
  expectNoTrace(session.stderr(), [VALUE]);
  await stub.close();
  t.cleanup();
});

const legit = () => session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.TRIP_KEY>' } });
const code = (r: Awaited<ReturnType<typeof legit>>) => (r.structuredContent as { code?: string } | undefined)?.code ?? visible(r);

describe('the tripwire', () => {
  it('lets an agent send its own unrelated token and see it back', async () => {
    expect((await legit()).isError).toBeFalsy();
    stub.reset();
    const r = await session.call('http_request', { method: 'POST', url: `${stub.url}/echo`, body: `mine=${OWN_TOKEN}` });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(visible(r)).toContain(OWN_TOKEN);
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses a guessed value without saying which input held it, and sends nothing', async () => {
    stub.reset();
    const r = await session.call('http_request', {
      method: 'POST',
      url: `${stub.url}/echo?q=1`,
      headers: { 'X-Note': 'hello' },
      body: `guess=${VALUE}`,
    });
    expect(r.isError).toBe(true);
    expect(code(r)).toContain('REQUEST_REFUSED');
    expect(visible(r)).not.toMatch(/\bbody\b|\bheaders?\b|\bquery\b|\burl\b|X-Note|guess=/i);
    expectNoTrace(visible(r), [VALUE]);
    expect(stub.requests).toHaveLength(0);
  });

  it('suspends the principal: even a legitimate call is refused until an admin clears it', async () => {
    stub.reset();
    const r = await legit();
    expect(r.isError).toBe(true);
    expect(code(r)).toContain('PRINCIPAL_SUSPENDED');
    expect(stub.requests).toHaveLength(0);

    const listed = runCli(['suspended', '--json'], { env: t.env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ principal: string }>).map((e) => e.principal)).toEqual(['stdio']);
    const attacks = runCli(['audit', '--action', 'request.attack', '--json'], { env: t.env });
    expect((JSON.parse(attacks.stdout) as Array<{ principal: string }>).map((e) => e.principal)).toEqual(['stdio']);
    expectNoTrace(attacks.stdout, [VALUE]);

    const cleared = runCli(['clear', 'stdio'], { env: t.env });
    expect(cleared.code, cleared.stderr).toBe(0);
    const again = await legit();
    expect(again.isError, visible(again)).toBeFalsy();
    expect(stub.requests).toHaveLength(1);
    const verify = runCli(['audit', 'verify'], { env: t.env });
    expect(verify.code, verify.stdout).toBe(0);
  });
});
