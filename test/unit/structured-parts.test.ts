// Red team 13: which tokens of a URL-shaped or JSON value are secret-bearing is decided by what they
// are (words, ids, versions, emails, a credential's key), not by their character classes alone.
// Every value here is made up.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicParts, secretStretches } from '../../src/redact/public-parts.js';
import { jsonSecretParts, namesCredential, secretToken } from '../../src/redact/structured-parts.js';
import { readsAsWords } from '../../src/redact/word-like.js';
import { assertValueAcceptable } from '../../src/vault/names.js';

const stretchText = (v: string) => secretStretches(v).map(([a, b]) => v.slice(a, b));

/** Deterministic made-up random letters (a linear congruential generator: same strings every run). */
function randomLetters(count: number, length: number): string[] {
  let x = 20261208;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  return Array.from({ length: count }, () => Array.from({ length }, () => String.fromCharCode(97 + (next() % 26))).join(''));
}

describe('readsAsWords', () => {
  it('passes path words and identifiers of APIs, camelCase and separated', () => {
    for (const w of ['organizations', 'subscriptions', 'notifications', 'incoming-webhooks', 'getUserAccountSettings', 'service_account', 'googleapis.com', 'gserviceaccount', 'authorization', 'configuration', 'repositories', 'personal-access-tokens', 'environments', 'integrations']) {
      expect(readsAsWords(w), w).toBe(true);
    }
  });

  it('fails random letters of a window or more, nearly always', () => {
    expect(readsAsWords('qzvxkwpmtrbnjhdyfgls')).toBe(false);
    const passed = (n: number) => randomLetters(2000, n).filter(readsAsWords).length;
    expect(passed(20)).toBeLessThanOrEqual(2);
    expect(passed(12)).toBeLessThanOrEqual(30);
    expect(readsAsWords('1234-5678')).toBe(false);
  });
});

describe('secretToken', () => {
  it('keeps words, ids, versions and short tokens public, and random ones of a window secret', () => {
    for (const t of ['repos', 'v1', 'v2beta1', '4504123456', '123456789012', 'x509', 'organizations', 'dana', 'hunter']) expect(secretToken(t, false), t).toBe(false);
    for (const t of ['qzvxkwpmtrbnjhdyfgls', 'Rt13Kq9Zx7Wm4Pv2', '1234567890123']) expect(secretToken(t, false), t).toBe(true);
  });

  it('under a credential key, a token of a window or more is secret whatever it looks like', () => {
    for (const t of ['rt-orbit-lunar-velvet-quarry-tundra', '731904826153', 'correcthorsebattery']) {
      expect(secretToken(t, false), t).toBe(false);
      expect(secretToken(t, true), t).toBe(true);
    }
    // Shorter than a window: not matchable alone, and `set` would refuse the value for it.
    expect(secretToken('4821', true)).toBe(false);
  });

  it('reads a key name by its last word', () => {
    for (const k of ['password', 'access_token', 'X-Amz-Signature', 'sig', 'code', 'clientSecret', 'api_key', 'private_key']) expect(namesCredential(k), k).toBe(true);
    for (const k of ['token_type', 'user', 'page', 'code_challenge_method', 'public_key', 'format']) expect(namesCredential(k), k).toBe(false);
  });
});

describe('URL-shaped values (red team 13)', () => {
  it('indexes word-shaped tokens that are random, or under a credential key', () => {
    expect(stretchText('https://hooks.rt13.example/v1/Rt13Kq9Zx7Wm4Pv2/export?sig=qzvxkwpmtrbnjhdyfgls')).toEqual(['Rt13Kq9Zx7Wm4Pv2', 'qzvxkwpmtrbnjhdyfgls']);
    expect(stretchText('https://api.rt13.example/v1/Rt13Kq9Zx7Wm4Pv2/login?user=dana&password=rt-orbit-lunar-velvet-quarry-tundra')).toEqual(['Rt13Kq9Zx7Wm4Pv2', 'rt-orbit-lunar-velvet-quarry-tundra']);
    expect(stretchText('https://meet.rt13.example/j/Rt13Kq9Zx7Wm4Pv2?code=731904826153')).toEqual(['Rt13Kq9Zx7Wm4Pv2', '731904826153']);
    expect(stretchText('https://files.rt13.example/qzvxkwpmtrbnjhdyfgls/report.pdf')).toEqual(['qzvxkwpmtrbnjhdyfgls']);
  });

  it('keeps long dictionary path words, numeric ids and an encoded email public', () => {
    const v = 'https://api.rt13.example/v1/organizations/123456789012/notification-subscriptions/Rt13Kq9Zx7Wm4Pv2?format=json';
    expect(stretchText(v)).toEqual(['Rt13Kq9Zx7Wm4Pv2']);
    expect(publicParts('https://www.googleapis.com/robot/v1/metadata/x509/deploy%40rt13-prod-4711.iam.gserviceaccount.com')).toEqual([[0, 97]]);
  });
});

/** A service-account key file shaped as Google issues it (made-up ids, a fresh key). */
function keyFile(): { file: string; pem: string } {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const file = JSON.stringify(
    {
      type: 'service_account',
      project_id: 'rt13-prod-4711',
      private_key_id: '5f0c3a9e1b7d24c86a0e9f3b1c5d7a2e4f6b8c0d',
      private_key: pem,
      client_email: 'deploy@rt13-prod-4711.iam.gserviceaccount.com',
      client_id: '104729384756102938475',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      client_x509_cert_url: 'https://www.googleapis.com/robot/v1/metadata/x509/deploy%40rt13-prod-4711.iam.gserviceaccount.com',
    },
    null,
    2,
  );
  return { file, pem };
}

describe('JSON-object values (red team 13)', () => {
  it('a key file: only the key id and the key body past its armour and DER header are secret', () => {
    const { file, pem } = keyFile();
    const secret = stretchText(file);
    expect(secret[0]).toBe('5f0c3a9e1b7d24c86a0e9f3b1c5d7a2e4f6b8c0d');
    // The PEM's own secret stretches, spelled with JSON's `\n`.
    const pemSecret = secretStretches(pem).map(([a, b]) => JSON.stringify(pem.slice(a, b)).slice(1, -1));
    expect(secret.slice(1)).toEqual(pemSecret);
    expect(secret.join(' ')).not.toMatch(/service_account|googleapis|BEGIN|MIIEv|rt13-prod|104729384756102938475|private_key/);
  });

  it('a credential key keeps a word-shaped leaf secret; a short or plain file is read as text, as before', () => {
    expect(stretchText('{"user": "dana", "password": "rt-orbit-lunar-velvet-quarry-tundra"}')).toEqual(['rt-orbit-lunar-velvet-quarry-tundra']);
    expect(stretchText('{"client_id": "rt13-app", "client_secret": "GOCSPX-Rt13Kq9Zx7Wm4Pv2Lc8Hs5Jd3"}')).toEqual(['GOCSPX-Rt13Kq9Zx7Wm4Pv2Lc8Hs5Jd3']);
    // A secret leaf below a window cannot be indexed alone: the whole text stays secret.
    expect(jsonSecretParts('{"user": "dana", "password": "Xk29dkLq0s"}', publicParts)).toBeUndefined();
    expect(jsonSecretParts('{"type": "service_account"}', publicParts)).toBeUndefined();
    expect(jsonSecretParts('[1, 2]', publicParts)).toBeUndefined();
    expect(jsonSecretParts('{"a": ', publicParts)).toBeUndefined();
  });

  it('maps leaves through escapes and reads leaves of arrays under the array key', () => {
    const v = '{"tokens": ["Rt13Kq9Zx7Wm4Pv2\\u0041", "Lc8Hs5Jd3Nf6Bt1Yg"], "note": "\\"rotate monthly\\""}';
    expect(stretchText(v)).toEqual(['Rt13Kq9Zx7Wm4Pv2\\u0041', 'Lc8Hs5Jd3Nf6Bt1Yg']);
  });

  it('values accepted before are accepted: the key file, and a file with a short secret leaf', () => {
    expect(() => assertValueAcceptable('V', keyFile().file, false)).not.toThrow();
    expect(() => assertValueAcceptable('V', '{"user": "dana", "password": "Xk29dkLq0sPz7mWn4Rt"}', false)).not.toThrow();
    expect(() => assertValueAcceptable('V', '{"user": "dana", "password": "Xk29dkLq0s", "host": "db.rt13.example"}', false)).not.toThrow();
  });
});
