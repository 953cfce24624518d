// Red team 13, the other side of its fix: the public half of a stored private key is left out of the
// index (src/redact/key-parts.ts), the private half is not. A window of an RSA key's private
// exponent or a prime, of an EC key's scalar, or of an OpenSSH Ed25519 seed still trips the wire in
// agent input and, in an answer to a call that placed no secret, is never shown and is an attack.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { attacksOn, settled } from '../helpers/trail.js';

type Jwk = Record<string, string>;
const b64u = (s: string) => Buffer.from(s, 'base64url');

// Made-up keys for this file only (no value is ever printed).
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const EC = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const RSA_PEM = (RSA.export({ type: 'pkcs1', format: 'pem' }) as string).trimEnd();
const EC_PEM = (EC.export({ type: 'sec1', format: 'pem' }) as string).trimEnd();

/** An unencrypted OpenSSH Ed25519 key and its seed (as the redteam13 public-half test builds one). */
function opensshKey(): { pem: string; seed: Buffer } {
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const str = (v: Buffer | string) => {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(v);
    return Buffer.concat([u32(b.length), b]);
  };
  const j = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as Jwk;
  const [seed, pub] = [b64u(j.d!), b64u(j.x!)];
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, str('ssh-ed25519'), str(pub), str(Buffer.concat([seed, pub])), str('rt13@example')]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const blob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const all = Buffer.concat([Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), u32(1), str(blob), str(priv)]);
  return { pem: `-----BEGIN OPENSSH PRIVATE KEY-----\n${all.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`, seed };
}
const SSH = opensshKey();

/** 16 base64 characters of `pem` that carry only bits of `secret` (found in the decoded body). */
function windowOf(pem: string, secret: Buffer): string {
  const at: number[] = [];
  const end = pem.indexOf('-----END');
  for (let i = pem.indexOf('-----\n') + 6; i < end; i++) if (/[A-Za-z0-9+/]/.test(pem[i]!)) at.push(i);
  const der = Buffer.from(at.map((i) => pem[i]).join(''), 'base64');
  const first = Math.ceil((der.indexOf(secret) * 8) / 6) + 1;
  return at.slice(first, first + 16).map((i) => pem[i]).join('');
}

const PIECES: Array<[string, string]> = [
  ['rsa-d', windowOf(RSA_PEM, b64u((RSA.export({ format: 'jwk' }) as Jwk).d!))],
  ['rsa-p', windowOf(RSA_PEM, b64u((RSA.export({ format: 'jwk' }) as Jwk).p!))],
  ['ec-d', windowOf(EC_PEM, b64u((EC.export({ format: 'jwk' }) as Jwk).d!))],
  ['ssh-seed', windowOf(SSH.pem, SSH.seed)],
];

/** One origin for input, one per answer test (two answer trips quarantine an origin for everyone). */
let up: Listening;
const answering: Listening[] = [];
let t: TempHome;

/** An upstream that answers /piece/N with piece N (an echo host turning a guess back into text). */
function api(req: IncomingMessage, res: ServerResponse): void {
  const n = /^\/piece\/(\d)$/.exec(req.url ?? '');
  res.setHeader('content-type', 'application/json');
  req.resume();
  res.end(JSON.stringify(n ? { note: PIECES[Number(n[1])]![1] } : { ok: true }));
}

beforeAll(async () => {
  up = await listenOn(createServer(api));
  for (let i = 0; i < PIECES.length; i++) answering.push(await listenOn(createServer(api)));
  t = tempHome();
  const hosts = [up, ...answering].flatMap((u) => ['--host', u.url]);
  await setSecret(t, 'RT13P_RSA', RSA_PEM, ...hosts);
  await setSecret(t, 'RT13P_EC', EC_PEM, ...hosts);
  await setSecret(t, 'RT13P_SSH', SSH.pem, ...hosts);
});

afterAll(async () => {
  t?.cleanup();
  await up?.close();
  for (const u of answering) await u.close();
});

describe('redteam13: the private half of a stored private key stays secret', () => {
  it.each(PIECES.map(([name], i) => [name, i] as const))('a window of %s in agent input trips the wire', async (name) => {
    const principal = `rt13p-in-${name}`;
    const b = await openBlindfold({ home: t.home, principal });
    try {
      const piece = PIECES.find(([n]) => n === name)![1];
      const first = await b.httpRequest({ method: 'POST', url: `${up.url}/v1/notes`, json: { note: piece } }).then(
        () => 'sent',
        (err: { code?: string }) => err.code ?? 'error',
      );
      expect(first).not.toBe('sent');
      await settled(() => attacksOn(t.home, `plugin:${principal}`).length > 0);
      expect(attacksOn(t.home, `plugin:${principal}`)).toEqual(['secret material in the agent input']);
    } finally {
      await b.close();
    }
  });

  it.each(PIECES.map(([name], i) => [name, i] as const))('a window of %s in an answer is never shown and is an attack', async (name, i) => {
    const principal = `rt13p-out-${name}`;
    const b = await openBlindfold({ home: t.home, principal });
    try {
      const piece = PIECES[i]![1];
      const seen = await b.httpRequest({ method: 'GET', url: `${answering[i]!.url}/piece/${i}` }).then(
        (r) => JSON.stringify(r),
        (err: { code?: string }) => err.code ?? 'error',
      );
      expect(seen.includes(piece)).toBe(false);
      await settled(() => attacksOn(t.home, `plugin:${principal}`).length > 0);
      expect(attacksOn(t.home, `plugin:${principal}`)).toEqual(['a piece of a secret not placed in this exchange came back in the answer']);
    } finally {
      await b.close();
    }
  });
});
