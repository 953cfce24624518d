// Promise 4a: a stored value can reach an agent's input only by guessing. Secret material in what
// an agent sends refuses the call (naming no input), is audited as an attack and suspends that
// principal until a human clears it; nothing is sent meanwhile.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { serveWithStub } from '../helpers/served.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'trip-Kx7Qm2Vb9Lw4Zr8Nt3Yp6Hs1';
const OWN_TOKEN = 'sk-live-agents-own-0Rf5Gd2Js8Ue4Wa';
// Stored secrets whose public parts (a standard JWT header, PEM armour) an agent's own tokens share.
const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const STORED_JWT = `${JWT_HEADER}.eyJzdWIiOiJzdG9yZWQtc2VydmljZS05OTEyIn0.Qm9uZ1Nlcn1ZaWdHd0F4TDd6cEtuUXZS`;
const OWN_JWT = `${JWT_HEADER}.eyJzdWIiOiJhZ2VudC1vd24tdXNlci00NDQxIn0.ZmFrZVNpZ25hdHVyZUFnZW50T3duMTIz`;
const pem = (body: string) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
const STORED_PEM = pem('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vb3kQz8Rt2Lm');
// The agent's own certificate. (Two RSA private keys of one size share their DER prefix, which a
// window can span: that case is not promised, see README "Not promised".)
const OWN_PEM = '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIUY2kN8qZ4Tb1Vw7Rx3Pq9Lm5Jc0swDQYJKoZIhvcNAQEL\n-----END CERTIFICATE-----';
const s = serveWithStub({
  seed: async (t, stub) => {
    await seedSecret(t.env, 'TRIP_KEY', VALUE, '--host', stub.origin, '--placement', 'header', '--placement', 'body');
    for (const [name, value] of [['STORED_JWT', STORED_JWT], ['STORED_PEM', STORED_PEM]] as const) {
      await seedSecret(t.env, name, value, '--host', stub.origin);
    }
  },
  secrets: [VALUE, STORED_JWT, STORED_PEM],
});

const legit = () => s.session.call('http_request', { method: 'GET', url: `${s.stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.TRIP_KEY>' } });
const code = (r: Awaited<ReturnType<typeof legit>>) => (r.structuredContent as { code?: string } | undefined)?.code ?? visible(r);

describe('the tripwire', () => {
  it('lets an agent send its own unrelated tokens (sk-live-…, a JWT, a PEM certificate) and see them back', async () => {
    expect((await legit()).isError).toBeFalsy();
    for (const own of [OWN_TOKEN, OWN_JWT, OWN_PEM]) {
      s.stub.reset();
      const r = await s.session.call('http_request', { method: 'POST', url: `${s.stub.url}/echo`, body: own });
      expect(r.isError, visible(r)).toBeFalsy();
      // The stub's /echo answers JSON, parsed or as text: the token as it reads inside JSON, once or twice.
      const seen = JSON.stringify(r.structuredContent);
      const once = JSON.stringify(own).slice(1, -1);
      expect(seen.includes(once) || seen.includes(JSON.stringify(once).slice(1, -1)), seen).toBe(true);
      expect(s.stub.requests).toHaveLength(1);
    }
  });

  it('refuses a guessed value without saying which input held it, and sends nothing', async () => {
    s.stub.reset();
    const r = await s.session.call('http_request', {
      method: 'POST',
      url: `${s.stub.url}/echo?q=1`,
      headers: { 'X-Note': 'hello' },
      body: `guess=${VALUE}`,
    });
    expect(r.isError).toBe(true);
    expect(code(r)).toContain('REQUEST_REFUSED');
    expect(visible(r)).not.toMatch(/\bbody\b|\bheaders?\b|\bquery\b|\burl\b|X-Note|guess=/i);
    expectNoTrace(visible(r), [VALUE]);
    expect(s.stub.requests).toHaveLength(0);
  });

  it('suspends the principal: even a legitimate call is refused until an admin clears it', async () => {
    s.stub.reset();
    const r = await legit();
    expect(r.isError).toBe(true);
    expect(code(r)).toContain('PRINCIPAL_SUSPENDED');
    expect(s.stub.requests).toHaveLength(0);

    const listed = runCli(['suspended', '--json'], { env: s.t.env });
    expect(listed.code, listed.stderr).toBe(0);
    // The stdio principal is the client's name at initialize plus the server entry (issue 18 item 5).
    const principals = (JSON.parse(listed.stdout) as Array<{ principal: string }>).map((e) => e.principal);
    expect(principals).toEqual([expect.stringMatching(/^stdio:blindfold-test:[0-9a-f]{8}$/)]);
    const attacks = runCli(['audit', '--action', 'request.attack', '--json'], { env: s.t.env });
    expect((JSON.parse(attacks.stdout) as Array<{ principal: string }>).map((e) => e.principal)).toEqual(principals);
    expectNoTrace(attacks.stdout, [VALUE]);

    const cleared = runCli(['clear', principals[0]!], { env: s.t.env });
    expect(cleared.code, cleared.stderr).toBe(0);
    const again = await legit();
    expect(again.isError, visible(again)).toBeFalsy();
    expect(s.stub.requests).toHaveLength(1);
    const verify = runCli(['audit', 'verify'], { env: s.t.env });
    expect(verify.code, verify.stdout).toBe(0);
  });
});
