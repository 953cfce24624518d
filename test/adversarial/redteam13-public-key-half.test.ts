// Red team 13 (public parts): a private key stored in PKCS#1 (`BEGIN RSA PRIVATE KEY`: GitHub App
// keys, `openssl genrsa` before 3.0, `ssh-keygen -m PEM`) or SEC1 (`BEGIN EC PRIVATE KEY`:
// `openssl ecparam -genkey`) carries its PUBLIC half inside it: the RSA modulus right after the
// DER header, the EC public point after the private scalar. That half is public by definition: a
// JWKS endpoint, a `BEGIN PUBLIC KEY` PEM, a certificate, a "your app's public key" page show it to
// anyone. src/redact/public-parts.ts publicParts makes only PEM armour and the DER header up to the
// modulus public, so every window of the modulus / public point is indexed as secret material.
// Its base64 lines up with the SPKI encoding of the same key (the modulus starts at byte 12 of
// PKCS#1 and byte 33 of SPKI, the EC point at byte 57 of SEC1 and 27 of SPKI: all ≡ 0 mod 3), and
// even with a JWK's base64url `n`/`x` (byte 0): the same characters, window for window.
//
// So an honest agent reading the JWKS or the public key of a key its admin stored (no secret
// placed) gets "a piece of a value not placed in this exchange": the call is refused as a
// tripwire event, the principal suspended until a human clears it, and the answering origin
// counted toward quarantine for every principal (two such reads quarantine an IdP's JWKS). An
// agent sending the public key it was given (registering it, verifying a signature) trips the
// input wire at once. Promise 4a: "Only secret-bearing parts count as secret material ... so
// honest agents are not suspended". Severity: medium (availability: one honest read suspends;
// two, by any principals, quarantine the origin for all).
// The OpenSSH container (`BEGIN OPENSSH PRIVATE KEY`, what `ssh-keygen` writes by default) has the
// same fault twice over: it holds its own public key (an agent reading the user's `.keys` page
// trips), and its first ~60 base64 characters are the same in every unencrypted Ed25519 key (an
// API handing out a NEW key pair trips: red team 1's "structure every key of a kind shares", fixed
// only for DER headers).
// Mechanism: publicParts classifies by textual landmarks (armour, a fixed DER header), not by what
// the key structure says is public; the public components of a structured key (RSA n and e, an EC
// point, a certificate) should be parsed out of the DER and left unindexed, like the certificate
// of a key+certificate bundle already is.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { attacksOn, settled } from '../helpers/trail.js';

// Made-up keys for this file only (no value is ever printed).
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const EC = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const jwk = (pem: string) => createPublicKey(pem).export({ format: 'jwk' });

/**
 * An unencrypted OpenSSH Ed25519 key (`ssh-keygen -t ed25519`, the default key type of current
 * OpenSSH), built byte for byte as ssh-keygen writes it, and its `.pub` line.
 */
function opensshKey(): { privateKey: string; publicLine: string } {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const str = (v: Buffer | string) => {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(v);
    return Buffer.concat([u32(b.length), b]);
  };
  const j = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { d: string; x: string };
  const seed = Buffer.from(j.d, 'base64url');
  const pub = Buffer.from(j.x, 'base64url');
  const blob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, str('ssh-ed25519'), str(pub), str(Buffer.concat([seed, pub])), str('rt13@example')]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const all = Buffer.concat([Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), u32(1), str(blob), str(priv)]);
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${all.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`,
    publicLine: `ssh-ed25519 ${blob.toString('base64')} rt13@example`,
  };
}
const SSH = opensshKey();

/** One origin per test (a trip counts against the origin that answered: two quarantine it for everyone). */
const ups: Listening[] = [];
let t: TempHome;

/** An honest identity provider / API: its public keys are readable by anyone, no credential needed. */
function honestApi(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const json = (v: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(v));
  };
  if (url === '/.well-known/jwks.json') return json({ keys: [{ ...jwk(RSA.publicKey), kid: 'rt13-app', use: 'sig', alg: 'RS256' }] });
  if (url === '/v1/app/public-key') {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return void res.end(EC.publicKey);
  }
  if (url === '/v1/app/public-key.json') return json({ id: 'rt13-key-1', public_key: EC.publicKey });
  if (url === '/v1/status') return json({ ok: true });
  if (url === '/rt13-user.keys') {
    // As https://github.com/USER.keys answers: the user's public keys, one per line.
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return void res.end(`${SSH.publicLine}\n`);
  }
  if (url === '/v1/deploy-keys' && req.method === 'POST') {
    // An API that generates a NEW key pair for the caller and returns it once (another key entirely).
    req.resume();
    return void req.on('end', () => json({ id: 7, private_key: opensshKey().privateKey }));
  }
  if (url === '/v1/keys' && req.method === 'POST') {
    req.resume();
    return void req.on('end', () => json({ ok: true }));
  }
  res.statusCode = 404;
  res.end('{}');
}

beforeAll(async () => {
  for (let i = 0; i < 7; i++) ups.push(await listenOn(createServer(honestApi)));
  t = tempHome();
  const hosts = ups.flatMap((u) => ['--host', u.url]);
  // As `blindfold set NAME < key.pem` stores them (the final newline stripped).
  await setSecret(t, 'RT13_APP_RSA_KEY', RSA.privateKey.trimEnd(), ...hosts);
  await setSecret(t, 'RT13_APP_EC_KEY', EC.privateKey.trimEnd(), ...hosts);
  await setSecret(t, 'RT13_SSH_KEY', SSH.privateKey, ...hosts);
});

afterAll(async () => {
  t?.cleanup();
  for (const u of ups) await u.close();
});

type Handle = Awaited<ReturnType<typeof openBlindfold>>;

/** What a fresh principal gets from `call`, made twice: 'shown', 'withheld' or the error code. */
async function outcome(principal: string, call: (b: Handle) => Promise<{ withheld?: boolean }>, times = 2): Promise<string[]> {
  const b = await openBlindfold({ home: t.home, principal });
  try {
    const seen: string[] = [];
    for (let i = 0; i < times; i++) {
      try {
        const r = await call(b);
        seen.push(r.withheld ? 'withheld' : 'shown');
      } catch (err) {
        seen.push((err as { code?: string }).code ?? 'error');
      }
    }
    return seen;
  } finally {
    await b.close();
  }
}

describe('redteam13: the public half of a stored private key is public', () => {
  it('reading the JWKS of a stored PKCS#1 RSA key (no secret placed) is shown, twice, and is no attack', async () => {
    const seen = await outcome('rt13-jwks', (b) => b.httpRequest({ method: 'GET', url: `${ups[0]!.url}/.well-known/jwks.json` }));
    // Today: a tripwire event on an honest read ("a piece of a secret not placed in this exchange
    // came back in the answer"), then PRINCIPAL_SUSPENDED.
    expect(attacksOn(t.home, 'plugin:rt13-jwks')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });

  it('reading the PEM public key of a stored SEC1 EC key is shown and is no attack', async () => {
    const seen = await outcome('rt13-ecpem', (b) => b.httpRequest({ method: 'GET', url: `${ups[1]!.url}/v1/app/public-key` }));
    expect(attacksOn(t.home, 'plugin:rt13-ecpem')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });

  it('the same public key inside a JSON answer is shown too', async () => {
    const seen = await outcome('rt13-ecjson', (b) => b.httpRequest({ method: 'GET', url: `${ups[2]!.url}/v1/app/public-key.json` }));
    expect(attacksOn(t.home, 'plugin:rt13-ecjson')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });

  it('an agent registering the public key it was handed (its input) is not taken for a guess', async () => {
    const seen = await outcome('rt13-register', (b) => b.httpRequest({ method: 'POST', url: `${ups[3]!.url}/v1/keys`, json: { title: 'deploy', key: RSA.publicKey } }));
    // Today: "secret material in the agent input", then PRINCIPAL_SUSPENDED.
    expect(attacksOn(t.home, 'plugin:rt13-register')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });

  it('two honest JWKS reads (two principals) do not quarantine the identity provider for a third', async () => {
    const url = ups[4]!.url;
    for (const reader of ['rt13-reader-a', 'rt13-reader-b']) {
      await outcome(reader, (b) => b.httpRequest({ method: 'GET', url: `${url}/.well-known/jwks.json` }), 1);
      // Each read's bookkeeping (audit entry, trip against the origin) lands after its answer.
      await settled(() => attacksOn(t.home, `plugin:${reader}`).length > 0);
    }
    // A third principal that never read a key: today HOST_NOT_ALLOWED ("this origin is quarantined").
    expect(await outcome('rt13-bystander', (b) => b.httpRequest({ method: 'GET', url: `${url}/v1/status` }), 1)).toEqual(['shown']);
  });
});

describe('redteam13: OpenSSH private keys (the default format of ssh-keygen)', () => {
  // The same mechanism: DER_HEADER knows the DER headers of PKCS#1/PKCS#8/SEC1 keys, not the
  // OpenSSH container, whose first ~60 base64 characters (`openssh-key-v1`, cipher and KDF "none",
  // one key, the key type) are the same in every unencrypted Ed25519 key, and which holds the
  // key's own public key.
  it('reading the .keys page with the stored key\'s own public key line is shown and is no attack', async () => {
    const seen = await outcome('rt13-sshpub', (b) => b.httpRequest({ method: 'GET', url: `${ups[5]!.url}/rt13-user.keys` }));
    expect(attacksOn(t.home, 'plugin:rt13-sshpub')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });

  it('an API that returns a newly generated OpenSSH key (another key entirely) is shown and is no attack', async () => {
    const seen = await outcome('rt13-sshnew', (b) => b.httpRequest({ method: 'POST', url: `${ups[6]!.url}/v1/deploy-keys`, json: { title: 'ci' } }));
    expect(attacksOn(t.home, 'plugin:rt13-sshnew')).toEqual([]);
    expect(seen).toEqual(['shown', 'shown']);
  });
});
