// The public half of a stored private key is public (red team 13): the structure, version, OIDs,
// RSA n and e, an EC public point and an OpenSSH key's public fields are left unindexed, and every
// character that carries a bit of the private exponent, a prime, a CRT value, the EC scalar or an
// Ed25519 seed stays inside an indexed window. Made-up keys (node:crypto), never printed.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WINDOW } from '../../src/redact/fingerprints.js';
import { keyPublicParts } from '../../src/redact/key-parts.js';
import { indexedStarts, publicParts } from '../../src/redact/public-parts.js';
import { Redactor } from '../../src/redact/redactor.js';
import { assertValueAcceptable } from '../../src/vault/names.js';

type Jwk = Record<string, string>;
const b64u = (s: string) => Buffer.from(s, 'base64url');

const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const str = (v: Buffer | string) => {
  const b = Buffer.isBuffer(v) ? v : Buffer.from(v);
  return Buffer.concat([u32(b.length), b]);
};
const mpint = (b: Buffer) => str(b[0]! & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);

/** An OpenSSH private key as ssh-keygen writes it (PROTOCOL.key), its fields already encoded. */
function opensshContainer(blob: Buffer, fields: Buffer[], comment: string, encrypted = false): string {
  let body: Buffer;
  if (encrypted) {
    body = randomBytes(16 * 12);
  } else {
    const check = randomBytes(4);
    body = Buffer.concat([check, check, ...fields, str(comment)]);
    const pad: number[] = [];
    for (let i = 1; (body.length + pad.length) % 8 !== 0; i++) pad.push(i);
    body = Buffer.concat([body, Buffer.from(pad)]);
  }
  const header = encrypted ? [str('aes256-ctr'), str('bcrypt'), str(Buffer.concat([str(randomBytes(16)), u32(16)]))] : [str('none'), str('none'), str('')];
  const all = Buffer.concat([Buffer.from('openssh-key-v1\0'), ...header, u32(1), str(blob), str(body)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${all.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`;
}

/** An OpenSSH Ed25519 key (the default of `ssh-keygen`), as in the redteam13 test. */
function opensshEd25519(comment = 'kp@example', encrypted = false): { pem: string; pub: Buffer; seed: Buffer; blob: Buffer } {
  const j = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as Jwk;
  const seed = b64u(j.d!);
  const pub = b64u(j.x!);
  const blob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const pem = opensshContainer(blob, [str('ssh-ed25519'), str(pub), str(Buffer.concat([seed, pub]))], comment, encrypted);
  return { pem, pub, seed, blob };
}

/** The PEM body's bytes and, per byte, the base64 characters of `pem` that carry its bits. */
function bodyOf(pem: string): { der: Buffer; charsOf: (from: number, to: number) => number[] } {
  const start = pem.indexOf('-----\n') + 6;
  const at: number[] = [];
  for (let i = start; i < pem.indexOf('-----END'); i++) if (/[A-Za-z0-9+/]/.test(pem[i]!)) at.push(i);
  const der = Buffer.from(at.map((i) => pem[i]).join(''), 'base64');
  const charsOf = (from: number, to: number) => at.filter((_, k) => k * 6 < to * 8 && k * 6 + 6 > from * 8);
  return { der, charsOf };
}

/** Asserts that every character carrying a bit of `secret` (found in the DER) is secret and indexed, in every form. */
function expectSecretIndexed(pem: string, secret: Buffer, what: string): void {
  const { der, charsOf } = bodyOf(pem);
  const off = der.indexOf(secret);
  expect(off, `${what} in the DER`).toBeGreaterThan(0);
  const pub = publicParts(pem);
  const covered = new Set<number>();
  for (const s of indexedStarts(pem, WINDOW)) for (let i = s; i < s + WINDOW; i++) covered.add(i);
  for (const c of charsOf(off, off + secret.length)) {
    expect(pub.some(([a, b]) => a <= c && c < b), `${what}: character ${c} public`).toBe(false);
    expect(covered.has(c), `${what}: character ${c} indexed`).toBe(true);
  }
}

/** A redactor holding `pem`: the public key (SPKI PEM and its JWK) is no hit, a window of each secret is. */
function expectPublicHalfClean(pem: string, publicKey: KeyObject, secrets: Buffer[]): void {
  const r = new Redactor();
  r.add({ name: 'KEY', value: pem });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  expect(r.redact(spki).redacted, 'SPKI PEM').toEqual([]);
  expect(r.redact(JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] })).redacted, 'JWKS').toEqual([]);
  expect(r.redact(`{"key":${JSON.stringify(spki)}}`).redacted, 'SPKI PEM in JSON').toEqual([]);
  const { der, charsOf } = bodyOf(pem);
  for (const s of secrets) {
    const chars = charsOf(der.indexOf(s), der.indexOf(s) + s.length).slice(4, 4 + 2 * WINDOW);
    const piece = chars.map((i) => pem[i]).join('');
    expect(r.redact(`guess: ${piece}`).redacted, 'a window of a secret component').toEqual(['KEY']);
  }
}

describe('keyPublicParts: the public half of PKCS#1, SEC1 and PKCS#8 keys', () => {
  it('RSA, PKCS#1 and PKCS#8: n and e are public, d, p, q, dp, dq and qinv are secret and indexed', () => {
    for (const type of ['pkcs1', 'pkcs8'] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = (privateKey.export({ type, format: 'pem' }) as string).trimEnd();
      const j = privateKey.export({ format: 'jwk' }) as Jwk;
      const secrets = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => b64u(j[k]!));
      for (const [k, s] of secrets.entries()) expectSecretIndexed(pem, s, `${type} ${k}`);
      expectPublicHalfClean(pem, publicKey, secrets.slice(0, 2));
      // The modulus is public: its characters are in the public parts.
      const { der, charsOf } = bodyOf(pem);
      const n = b64u(j.n!);
      const pub = publicParts(pem);
      for (const c of charsOf(der.indexOf(n), der.indexOf(n) + n.length)) expect(pub.some(([a, b]) => a <= c && c < b)).toBe(true);
      expect(() => assertValueAcceptable('K', pem, false)).not.toThrow();
    }
  });

  it('EC, SEC1 and PKCS#8, P-256 and P-384: the curve and point are public, the scalar secret and indexed', () => {
    for (const namedCurve of ['P-256', 'P-384']) {
      for (const type of ['sec1', 'pkcs8'] as const) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
        const pem = privateKey.export({ type, format: 'pem' }) as string;
        const d = b64u((privateKey.export({ format: 'jwk' }) as Jwk).d!);
        expectSecretIndexed(pem, d, `${namedCurve} ${type}`);
        expectPublicHalfClean(pem, publicKey, [d]);
        expect(() => assertValueAcceptable('K', pem, false)).not.toThrow();
      }
    }
  });

  it('Ed25519 PKCS#8, with and without its [1] public key: the seed is secret and indexed', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const j = privateKey.export({ format: 'jwk' }) as Jwk;
    const seed = b64u(j.d!);
    const x = b64u(j.x!);
    const v1 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // OneAsymmetricKey v2 (RFC 8410 §10.3), as some tools write it: version 1 and [1] publicKey.
    const der = Buffer.concat([Buffer.from('3051020101300506032b657004220420', 'hex'), seed, Buffer.from('812100', 'hex'), x]);
    const v2 = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
    for (const pem of [v1, v2]) {
      expectSecretIndexed(pem, seed, 'seed');
      expectPublicHalfClean(pem, publicKey, [seed]);
    }
    // v2's public key (at byte 51, ≡ 0 mod 3: the JWK's characters) is public.
    const r = new Redactor();
    r.add({ name: 'KEY', value: v2 });
    expect(r.redact(x.toString('base64')).redacted).toEqual([]);
  });

  it('works on every form a value is indexed in: CRLF, one line, lines joined by blanks', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = (privateKey.export({ type: 'sec1', format: 'pem' }) as string).trimEnd();
    const count = (v: string) => publicParts(v).reduce((n, [a, b]) => n + v.slice(a, b).replace(/[\s]/g, '').length, 0);
    const lf = count(pem);
    for (const form of [pem.replace(/\n/g, '\r\n'), pem.replace(/\n/g, ''), pem.replace(/\n/g, ' ')]) expect(count(form)).toBe(lf);
  });
});

describe('keyPublicParts: OpenSSH keys', () => {
  it('Ed25519: the header, the public key copies, comment and padding are public, the seed secret and indexed', () => {
    const k = opensshEd25519();
    expectSecretIndexed(k.pem, k.seed, 'seed');
    const { der, charsOf } = bodyOf(k.pem);
    const pub = publicParts(k.pem);
    const secretChars = charsOf(der.indexOf(k.seed), der.indexOf(k.seed) + 32);
    const all = charsOf(0, der.length);
    // Only the seed's characters (and the two that share bits with its neighbours) are secret.
    const secret = all.filter((c) => !pub.some(([a, b]) => a <= c && c < b));
    expect(secret).toEqual(secretChars);
    expect(() => assertValueAcceptable('K', k.pem, false)).not.toThrow();
  });

  it('another key of the same kind shares no indexed window; the public line is no hit; a piece of the seed is', () => {
    const a = opensshEd25519();
    const r = new Redactor();
    r.add({ name: 'SSH', value: a.pem });
    for (let i = 0; i < 4; i++) expect(r.redact(opensshEd25519(`other${i}@example`).pem).redacted).toEqual([]);
    const blob = Buffer.concat([Buffer.from('0000000b', 'hex'), Buffer.from('ssh-ed25519'), Buffer.from('00000020', 'hex'), a.pub]);
    expect(r.redact(`ssh-ed25519 ${blob.toString('base64')} kp@example\n`).redacted).toEqual([]);
    const { der, charsOf } = bodyOf(a.pem);
    const seedChars = charsOf(der.indexOf(a.seed), der.indexOf(a.seed) + 32).slice(2, 2 + 20);
    expect(r.redact(seedChars.map((i) => a.pem[i]).join('')).redacted).toEqual(['SSH']);
  });
});

describe('keyPublicParts: OpenSSH RSA and encrypted keys', () => {
  it('RSA: n and e are public, d, iqmp, p and q secret and indexed', () => {
    const j = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as Jwk;
    const [n, e, d, qi, p, q] = ['n', 'e', 'd', 'qi', 'p', 'q'].map((k) => b64u(j[k]!)) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const blob = Buffer.concat([str('ssh-rsa'), mpint(e), mpint(n)]);
    const pem = opensshContainer(blob, [str('ssh-rsa'), mpint(n), mpint(e), mpint(d), mpint(qi), mpint(p), mpint(q)], 'rsa@example');
    for (const [k, s] of [d, qi, p, q].entries()) expectSecretIndexed(pem, s, `secret ${k}`);
    const r = new Redactor();
    r.add({ name: 'SSH', value: pem });
    expect(r.redact(`ssh-rsa ${blob.toString('base64')} rsa@example`).redacted).toEqual([]);
    expect(() => assertValueAcceptable('K', pem, false)).not.toThrow();
  });

  it('encrypted: the header and public key are public, the whole private section secret and indexed', () => {
    const k = opensshEd25519('enc@example', true);
    const { der, charsOf } = bodyOf(k.pem);
    const section = der.indexOf(k.blob) + k.blob.length + 4;
    const pub = publicParts(k.pem);
    const covered = new Set(indexedStarts(k.pem, WINDOW).flatMap((s) => Array.from({ length: WINDOW }, (_, i) => s + i)));
    for (const c of charsOf(section, der.length)) {
      expect(pub.some(([a, b]) => a <= c && c < b)).toBe(false);
      expect(covered.has(c)).toBe(true);
    }
    expect(charsOf(0, section - 4).every((c) => pub.some(([a, b]) => a <= c && c < b))).toBe(true);
  });
});

describe('keyPublicParts fails closed: anything unexpected gives no public range', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const parts = (pem: string) => {
    const m = /-----BEGIN [A-Z0-9 ]+-----[\r\n ]*/.exec(pem)!;
    return keyPublicParts(pem, m[0], m.index + m[0].length);
  };
  const rewrap = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
  const der = bodyOf(pkcs1).der;

  it('reads a well-formed key', () => {
    expect(parts(pkcs1).length).toBeGreaterThan(0);
  });

  it('truncated, extended, a length running past its parent, a wrong label, an encrypted PEM, garbage', () => {
    const longer = Buffer.from(der);
    longer[longer.indexOf(Buffer.from('0282', 'hex'), 8) + 3]! += 1;
    const cases = [
      rewrap('RSA PRIVATE KEY', der.subarray(0, der.length - 1)),
      rewrap('RSA PRIVATE KEY', Buffer.concat([der, Buffer.from([0])])),
      rewrap('RSA PRIVATE KEY', longer),
      rewrap('EC PRIVATE KEY', der),
      rewrap('PRIVATE KEY', der),
      rewrap('OPENSSH PRIVATE KEY', der),
      rewrap('CERTIFICATE', der),
      pkcs1.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n'),
      pkcs1.replace(/\n(.)/, '\n$1!'),
      rewrap('RSA PRIVATE KEY', randomBytes(600)),
      rewrap('OPENSSH PRIVATE KEY', randomBytes(600)),
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE',
    ];
    for (const [i, v] of cases.entries()) expect(parts(v), `case ${i}`).toEqual([]);
    // An OpenSSH key whose Ed25519 private key does not end with its public key, or whose padding is wrong.
    const k = opensshEd25519();
    const bytes = bodyOf(k.pem).der;
    for (const at of [bytes.indexOf(k.seed) + 40, bytes.length - 1]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x55;
      expect(parts(rewrap('OPENSSH PRIVATE KEY', bad)), `byte ${at}`).toEqual([]);
    }
  });
});
