// Issue 18 item 5 / acceptance: only secret-bearing parts are secret material (SPEC §1.4a), so an
// honest agent is never taken for a guesser. 200 honest requests, through the real stdio server,
// that mention the public parts of every kind of stored value — standard JWT headers, PEM armour,
// vendor prefixes, the scheme, host, port, path words and query keys of URL-shaped secrets (a Slack
// webhook, a DATABASE_URL, a token in userinfo, a Sentry DSN), and ordinary words — and the agent's
// own tokens of the same shapes: zero refusals, zero suspensions, zero attack entries.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedSecret, seedVault } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { serveWithStub } from '../helpers/served.js';

const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const STORED = {
  JWT: `${JWT_HEADER}.eyJzdWIiOiJzdG9yZWQtc2VydmljZS05OTEyIn0.Qm9uZ1Nlcn1ZaWdHd0F4TDd6cEtuUXZS`,
  PEM: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vb3kQz8Rt2Lm\n-----END PRIVATE KEY-----',
  STRIPE: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQv',
  GITHUB: 'ghp_R8kq2LmZ7xVt4Nw9PbC3sJd6Hy1Fa5Ue',
  SLACK_BOT: 'xoxb-482910375618-5520193847562-Zk4Rw8Tq1Lm6Xn3Vb9Pc2Sd7',
  AWS: 'AKIAZ7Q4XW2LM9RT5BNK',
  GOOGLE: 'AIzaSyDq8Lm2Rt5Xw9Zk3Vn7Bc1Qp4Hs6Jy0Fe',
  OPENAI: 'sk-proj-Vb7Nc2Qx9Lm4Rt8Zw3Yk6Pd1Hs5Ja0Fe',
  WEBHOOK: 'https://hooks.slack.com/services/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',
  DATABASE_URL: 'postgres://app:Xk29dkLq0sPz7mWn4Rt@db.example.com:5432/app?sslmode=require',
  GIT_REMOTE: 'https://deploy:ghp_Qs3Wd8Fn1Vb6Ty4Xm9Lk2Zc7Rp5He0Ja@git.example.com/api/v1/repos/acme/site.git',
  SENTRY_DSN: 'https://f3a91c07e4b25d68c1a0947be3d5f216@o482910.ingest.sentry.io/4504123456',
  WORDY: 'api-token-Kx8Qp2Lw9Zr4Vn7Tb3',
};

// What an honest agent writes: public parts of every kind of stored value, and its own tokens of the same shapes.
const OWN_JWT = `${JWT_HEADER}.eyJzdWIiOiJhZ2VudC1vd24tdXNlci00NDQxIn0.ZmFrZVNpZ25hdHVyZUFnZW50T3duMTIz`;
const OWN_CERT = '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIUY2kN8qZ4Tb1Vw7Rx3Pq9Lm5Jc0swDQYJKoZIhvcNAQEL\n-----END CERTIFICATE-----';
/** A value public by design (`set --public`): an agent may write it whole, it never trips. */
const PUBLISHABLE = 'pk_live_51Jm4Tq8Wc2Zy6Ub9Ke3Rx7Fn5Sd1Gh';
const MENTIONS = [
  `Authorization: Bearer ${OWN_JWT}`,
  `Stripe.js is loaded with ${PUBLISHABLE}`,
  `the header of every HS256 token is ${JWT_HEADER}`,
  'RS256 tokens start with eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9 instead',
  'paste the key between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----',
  OWN_CERT,
  // The agent's own RSA key: every 2048-bit PKCS#8 key opens with the same DER header as the stored one.
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDx4Lp9Wq2Zr7Kt5Nm8Hv3Jc1\n-----END PRIVATE KEY-----',
  '-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----',
  'Stripe secret keys start with sk_live_ or sk_test_, publishable ones with pk_live_',
  'my own test key is sk_test_Agent0wnKey5Hd8Lq2Wm7Zx',
  'GitHub tokens look like ghp_, gho_ or github_pat_',
  'a bot token is xoxb- followed by digits and letters',
  'AWS access key ids start with AKIA, temporary ones with ASIA',
  'Google API keys begin with AIza',
  'OpenAI project keys begin with sk-proj-',
  'POST your message to https://hooks.slack.com/services/ with your own ids',
  'webhook host: hooks.slack.com, path /services/',
  'connect with postgres://db.example.com:5432/app?sslmode=require',
  'psql -h db.example.com -p 5432 app, user app',
  'clone from https://git.example.com/api/v1/repos/acme/site.git',
  'the DSN host is o482910.ingest.sentry.io and the project is 4504123456',
  'send events to https://o482910.ingest.sentry.io/api/4504123456/store/',
  'the api-token- prefix is ours; tokens, secrets, passwords and keys rotate monthly',
  'The quick brown fox jumps over the lazy dog; services, hooks, api, v1, app, deploy',
];

const s = serveWithStub({
  seed: async (t, stub) => {
    for (const [name, value] of Object.entries(STORED)) {
      await seedSecret(t.env, name, value, '--host', stub.origin, '--placement', 'header', '--placement', 'body', '--placement', 'query');
    }
    await seedVault(t.env, [{ name: 'STRIPE_PK', value: PUBLISHABLE, public: true, hosts: [stub.origin] }]);
  },
  secrets: Object.values(STORED),
});

/** The ways an agent puts text in a request: body, JSON, a query value, a header. */
const carriers: Array<(text: string) => Record<string, unknown>> = [
  (text) => ({ method: 'POST', url: `${s.stub.url}/echo`, body: text }),
  (text) => ({ method: 'POST', url: `${s.stub.url}/echo`, json: { note: text, n: 1 } }),
  (text) => ({ method: 'GET', url: `${s.stub.url}/echo`, query: { q: text } }),
  (text) => ({ method: 'GET', url: `${s.stub.url}/echo`, headers: { 'X-Note': text.replace(/\n/g, ' ') } }),
  (text) => ({ method: 'PUT', url: `${s.stub.url}/echo`, body: `context: ${text}\n-- sent by an honest agent` }),
];

describe('honest traffic never trips the wire', () => {
  it('200 requests mentioning public parts of every kind of value: zero refusals, zero suspensions', async () => {
    const refused: string[] = [];
    let sent = 0;
    for (let i = 0; sent < 200; i++) {
      const text = MENTIONS[i % MENTIONS.length]!;
      const args = carriers[Math.floor(i / MENTIONS.length) % carriers.length]!(text);
      const r = await s.session.call('http_request', args);
      // Which mention was refused, by index: the text itself is public, but a failure message stays short.
      if (r.isError) refused.push(`mention ${i % MENTIONS.length} via carrier ${Math.floor(i / MENTIONS.length) % carriers.length}: ${visible(r).slice(0, 200)}`);
      sent++;
    }
    expect(refused).toEqual([]);
    expect(s.stub.requests).toHaveLength(200);
    const suspended = runCli(['suspended', '--json'], { env: s.t.env });
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(JSON.parse(suspended.stdout)).toEqual([]);
    const attacks = runCli(['audit', '--action', 'request.attack', '--json'], { env: s.t.env });
    expect(JSON.parse(attacks.stdout)).toEqual([]);
  });

  it('honest mistakes refused before sending (a host not bound, a name that does not exist) quote public parts only: no suspension', async () => {
    // A refusal raised before sending that held secret material would trip the wire (it can quote
    // only what the agent wrote): the public parts an honest agent writes must never count as that.
    const mistakes: Array<[Record<string, unknown>, string]> = [
      [{ method: 'POST', url: 'https://hooks.slack.com/services/', json: { text: 'hi' }, headers: { 'x-hook': '<secrets.WEBHOOK>' } }, 'HOST_NOT_ALLOWED'],
      [{ method: 'GET', url: 'https://db.example.com:5432/app?sslmode=require', headers: { 'x-api-key': '<secrets.DATABASE_URL>' } }, 'HOST_NOT_ALLOWED'],
      [{ method: 'POST', url: 'https://o482910.ingest.sentry.io/api/4504123456/store/', headers: { 'x-sentry-auth': '<secrets.SENTRY_DSN>' } }, 'HOST_NOT_ALLOWED'],
      [{ method: 'GET', url: 'https://git.example.com/api/v1/repos/acme/site.git', headers: { authorization: 'Bearer <secrets.GIT_REMOTE>' } }, 'HOST_NOT_ALLOWED'],
      [{ method: 'GET', url: `${s.stub.url}/echo`, headers: { authorization: 'Bearer <secrets.STRIPE_SECRET_KEY>' } }, 'SECRET_NOT_FOUND'],
      [{ method: 'GET', url: `${s.stub.url}/echo`, headers: { authorization: 'token <secrets.GITHUB_TOKEN>' } }, 'SECRET_NOT_FOUND'],
    ];
    for (const [args, code] of mistakes) {
      const r = await s.session.call('http_request', args);
      expect(r.isError).toBe(true);
      expect(visible(r)).toContain(code);
    }
    const suspended = runCli(['suspended', '--json'], { env: s.t.env });
    expect(JSON.parse(suspended.stdout)).toEqual([]);
    const attacks = runCli(['audit', '--action', 'request.attack', '--json'], { env: s.t.env });
    expect(JSON.parse(attacks.stdout)).toEqual([]);
  });

  it('the wire is live: a window of the secret part of a URL-shaped value still trips it', async () => {
    const r = await s.session.call('http_request', { method: 'POST', url: `${s.stub.url}/echo`, body: `guess ${STORED.DATABASE_URL.slice(15, 30)}` });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('REQUEST_REFUSED');
    expect(runCli(['clear', '--all'], { env: s.t.env }).code).toBe(0);
  });
});
