// Red team of issue 18, family 5 (false alarms and their blast radius) and the per-principal state
// of the wall. An honest agent that writes the public part of a URL-shaped secret must not be
// suspended, and one suspension must not stop every agent on the machine. `it.fails` marks attacks
// (or honest calls) that go wrong today.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { listenOn } from '../helpers/upstream.js';

const DATABASE_URL = 'postgres://orders_app:Zx8Qv3Lm7Tp2Wk9Rb4Nc6@db-primary.internal.example.com:5432/orders';
const WEBHOOK = 'https://hooks.slack.com/services/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';
const KEY = 'rt-alarm-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const reverse = (s: string) => [...s].reverse().join('');
const STORED_PEM = String(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })).trim();
const newKey = () => String(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })).trim();

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession[] }> = [];

async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (url.pathname === '/reverse') return res.end(`echo: ${reverse(url.searchParams.get('s') ?? '')}`);
    if (url.pathname === '/stored-key') {
      // A secrets manager returning a stored PEM key whole, re-encoded by a MIME encoder (76 columns,
      // as Java's Base64.getMimeEncoder writes it), and its bare base64 body.
      const body = STORED_PEM.split('\n').slice(1, -1).join('');
      const pem76 = `-----BEGIN PRIVATE KEY-----\n${body.match(/.{1,76}/g)!.join('\n')}\n-----END PRIVATE KEY-----`;
      return res.end(JSON.stringify({ name: 'tls-key', pem: pem76, der_base64: body }));
    }
    if (url.pathname === '/keys') {
      // A key-pair API (EC2 CreateKeyPair style): a freshly generated private key, whole.
      return res.end(JSON.stringify({ KeyName: 'build', KeyMaterial: newKey() }));
    }
    if (url.pathname === '/token-page') {
      // An admin page showing a stored key whole, with a <wbr> break hint so it wraps in the UI.
      return res.end(`<html><body><p>API key: <code>${KEY.match(/.{1,15}/g)!.join('<wbr>')}</code></p></body></html>`);
    }
    if (url.pathname === '/config') {
      // A config-vars listing (Heroku style) that returns stored values whole, as honest APIs do.
      const vars = Array.from({ length: 40 }, (_, i) => ({ name: `FEATURE_${i}`, value: `on-${i}` }));
      vars.splice(20, 0, { name: 'DATABASE_URL', value: DATABASE_URL });
      return res.end(JSON.stringify({ vars }));
    }
    res.end('ok');
  });
  return listenOn(server);
}

async function home(): Promise<TempHome> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'DATABASE_URL', DATABASE_URL, '--host', 'https://db-admin.example.com');
  await setSecret(t, 'SLACK_WEBHOOK', WEBHOOK, '--host', 'https://hooks.slack.com');
  homes.push({ t, s: [] });
  return t;
}

async function serve(t: TempHome, principal?: string): Promise<StdioSession> {
  const s = await connectStdio(t.env, principal ? ['--principal', principal] : []);
  homes.find((h) => h.t === t)!.s.push(s);
  return s;
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  for (const { t, s } of homes) {
    for (const one of s) {
      await one.close();
      for (const v of [KEY, DATABASE_URL, WEBHOOK]) expect(survivingWindow(one.stderr(), v)).toBeNull();
    }
    t.cleanup();
  }
  await up.close();
});

describe('redteam: honest mentions of the public part of URL-shaped secrets', () => {
  // Mechanism: fingerprintTriples indexes every window of a value but those wholly inside a vendor
  // prefix, PEM armour or a JWT header; a URL's scheme, host, port and path words are windows.
  it('an agent naming the database host and port in a status query is not suspended', async () => {
    const s = await serve(await home());
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/status`, query: { check: 'db-primary.internal.example.com:5432' } });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });

  it('an agent writing the Slack webhook base URL in a message is not suspended', async () => {
    const s = await serve(await home());
    const r = await s.call('http_request', { method: 'POST', url: `${up.url}/notes`, body: 'Incoming webhooks live under https://hooks.slack.com/services/ in our workspace.' });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });
});

describe('redteam: an honest read cut short', () => {
  // Mechanism: a body cut at maxBytes is scanned up to the cut (src/redact/response.ts), so a
  // stored value the cut falls inside is a "piece"; of a value not placed, that is the tripwire.
  // Issue 18 Precisions: honest reads that return stored values whole suspend no one.
  it('a config listing read with a small maxBytes that cuts inside a stored value suspends no one', async () => {
    const s = await serve(await home());
    const whole = await s.call('http_request', { method: 'GET', url: `${up.url}/config` });
    expect(visible(whole)).toContain('REDACTED:DATABASE_URL');
    // Where the value starts, from what the agent saw (the unit before it is shown).
    const offset = JSON.stringify({ vars: Array.from({ length: 20 }, (_, i) => ({ name: `FEATURE_${i}`, value: `on-${i}` })) }).length - 2 + ',{"name":"DATABASE_URL","value":"'.length;
    const cut = await s.call('http_request', { method: 'GET', url: `${up.url}/config`, maxBytes: offset + 40 });
    expect(visible(cut)).not.toContain('REQUEST_REFUSED');
    expect(visible(await s.call('http_request', { method: 'GET', url: `${up.url}/config` }))).not.toContain('PRINCIPAL_SUSPENDED');
  });
});

describe('redteam: a whole value shown in pieces by an honest page', () => {
  // Mechanism: a stored value split by markup (<wbr>) was two or more pieces, not a whole
  // occurrence; of a value not placed, a piece trips the wire. The markup view takes tags out.
  it('a page that shows a stored key with a <wbr> break hint suspends no one', async () => {
    const s = await serve(await home());
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/token-page` });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
  });
});

describe('redteam: public parts the index treats as secret', () => {
  const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = (payload: Record<string, unknown>, sig: string) => `${b64url({ alg: 'RS256', kid: 'a1b2c3d4e5', typ: 'JWT' })}.${b64url(payload)}.${sig}`;
  const claims = { iss: 'https://accounts.google.com', azp: '1234567890-abcdefghijklmnop.apps.googleusercontent.com', aud: '1234567890-abcdefghijklmnop.apps.googleusercontent.com' };

  // Mechanism: publicParts counts only the first 12 characters of a JWT payload as public; every
  // token of one issuer shares the base64 of its first claims (iss, azp, aud), far past 12.
  it('an agent sending its own ID token from the same issuer as a stored one is not suspended', async () => {
    const t = await home();
    await setSecret(t, 'ID_TOKEN', jwt({ ...claims, sub: '110169484474386276334', email: 'ops@example.com', exp: 1893456000 }, 'Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wk5Jf1Gs0Ay7Ue4Io2Pq9Zx3Cv6Bn8Ml5Kj1Hg4Fd7Sa0'), '--host', 'https://api.example.com');
    const s = await serve(t);
    const mine = jwt({ ...claims, sub: '104857601234567890123', email: 'someone@example.org', exp: 1893459999 }, 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2');
    const r = await s.call('http_request', { method: 'POST', url: `${up.url}/verify`, body: mine });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });

  // Mechanism: a key+certificate bundle (HAProxy-style PEM) is one value; only windows wholly inside
  // an armour line are public, so the certificate, which any TLS client receives, is secret material.
  it('an agent sending the public certificate of a stored key+certificate bundle is not suspended', async () => {
    const t = await home();
    const body = (seed: string) => Buffer.from(seed.repeat(40)).toString('base64').match(/.{1,64}/g)!.join('\n');
    const cert = `-----BEGIN CERTIFICATE-----\n${body('cert:Wk5Jf1Gs0Ay7Ue4Io2Pq9Zx3Cv6|')}\n-----END CERTIFICATE-----`;
    const key = `-----BEGIN PRIVATE KEY-----\n${body('key:Qz7Xv2Lp9Rt4Mn8Bc3Hd6Sa0Kj1|')}\n-----END PRIVATE KEY-----`;
    await setSecret(t, 'TLS_BUNDLE', `${key}\n${cert}`, '--host', 'https://lb.example.com');
    const s = await serve(t);
    const r = await s.call('http_request', { method: 'POST', url: `${up.url}/ct-log`, body: cert });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });
});

describe('redteam: structure every key of a kind shares', () => {
  // Mechanism: armour lines are public, but the windows across an armour line and the DER prefix
  // that follows it (the same for every key of one type and size) are indexed; a key the agent
  // never saw, freshly made by an API, is then "a piece" of the stored one, and not placed: the wire.
  it('creating a key pair through an API suspends no one when a key of the same type is stored', async () => {
    const t = await home();
    await setSecret(t, 'DEPLOY_KEY', newKey(), '--host', 'https://git.example.com');
    const s = await serve(t);
    const r = await s.call('http_request', { method: 'POST', url: `${up.url}/keys` });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });
});

describe('redteam: a stored value returned whole in another layout', () => {
  // Mechanism: "whole" needs hits from a stretch's head to its tail, chained; a PEM re-wrapped at
  // other columns broke the chain at each new line break, so a whole value read back honestly was
  // "pieces"; of a value not placed, the wire. The pem view reads the block with its breaks out.
  it('a secrets manager returning a stored PEM key re-wrapped at 76 columns suspends no one', async () => {
    const t = await home();
    await setSecret(t, 'TLS_KEY', STORED_PEM, '--host', 'https://lb.example.com');
    const s = await serve(t);
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/stored-key` });
    expect(visible(r)).not.toContain('REQUEST_REFUSED');
    expect(r.isError).toBeFalsy();
  });
});

describe('redteam: blast radius and per-principal state', () => {
  // Mechanism: every stdio server is principal `stdio` (src/cli/commands/serve.ts), and the
  // suspension list is one file per home: one guessing agent stops every agent of the machine.
  it('a suspension caused by one stdio client does not stop another client of the same home', async () => {
    const t = await home();
    // Two clients, each its own principal (README snippets name each with --principal).
    const guesser = await serve(t, 'guesser');
    const bystander = await serve(t, 'bystander');
    const tripped = await guesser.call('http_request', { method: 'GET', url: `${up.url}/x`, query: { q: KEY.slice(3, 20) } });
    expect(visible(tripped)).toContain('REQUEST_REFUSED');
    const r = await bystander.call('http_request', { method: 'GET', url: `${up.url}/x` });
    expect(visible(r)).not.toContain('PRINCIPAL_SUSPENDED');
  });

  // Mechanism: the serve path builds the broker with no allowance (src/open.ts), so each process
  // falls back to memoryAllowance(): 3 per principal per process, not per principal.
  it('the partial-hit allowance is shared by every process of a principal (the 4th hit suspends)', async () => {
    const t = await home();
    const a = await serve(t);
    const b = await serve(t);
    const ask = (s: StdioSession, i: number) => s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, headers: { 'x-key': '<secrets.KEY>' }, query: { s: reverse(KEY.slice(i, i + 14)) } });
    for (let i = 0; i < 3; i++) expect((await ask(a, i)).isError).toBeFalsy();
    await ask(b, 5);
    expect(visible(await ask(b, 0))).toContain('PRINCIPAL_SUSPENDED');
  });

  // Issue 18 Precisions: "an origin whose answers tripped the wire twice is quarantined for every
  // principal until an admin reviews it". The serve path wires no quarantine (src/open.ts).
  it('an origin whose answers tripped the wire twice is quarantined', async () => {
    const t = await home();
    for (let i = 0; i < 2; i++) {
      const s = await serve(t, `tripper-${i}`);
      // A piece of a value not placed in the exchange, turned back into plain text by the upstream.
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse(KEY.slice(2 + i, 18 + i)) } });
      expect(visible(r)).toContain('REQUEST_REFUSED');
      // Suspensions (and the stdio:* a second one adds) lifted; the origin's trips stay on record.
      expect(runCli(['clear', '--all'], { env: t.env }).code).toBe(0);
    }
    const s = await serve(t, 'innocent');
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: 'hello' } });
    expect(visible(r)).toContain('quarantined');
  });
});
