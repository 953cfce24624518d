// Precise secret material (SPEC §1.4a, issue 18 item 5): only secret-bearing characters are
// indexed, no window includes a public one, every secret-bearing character is inside an indexed
// window, and the entropy floor at `set` is computed on exactly those characters, folded.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WINDOW } from '../../src/redact/fingerprints.js';
import { indexedStarts, publicParts, secretMaterial, secretStretches, stretchesTooShort } from '../../src/redact/public-parts.js';
import { Redactor, replacementFor } from '../../src/redact/redactor.js';
import { assertValueAcceptable } from '../../src/vault/names.js';
import { estimateSecretGuessBits, MIN_GUESS_BITS } from '../../src/vault/entropy.js';

const SLACK = 'https://hooks.slack.com/services/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';
const DATABASE = 'postgres://app:Xk29dkLq0sPz7mWn4Rt@db.example.com:5432/app?sslmode=require';
const USERINFO = 'https://deploy:ghp_R8kq2LmZ7xVt4Nw9PbC3sJd6@git.example.com/api/v1/repos';
const QUERY = 'https://api.example.com/v2/feed?format=json&key=Qm9uZ1Nlcn1ZaWdHd0F4TDd6&page=10';
const SENTRY = 'https://a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6@o123456.ingest.sentry.io/4504123456';

const stretchText = (v: string) => secretStretches(v).map(([a, b]) => v.slice(a, b));

describe('publicParts of URL-shaped values', () => {
  it('keeps only userinfo secrets, high-entropy path segments and query values', () => {
    // The team and bot ids and the token are one stretch: the "/" between two secret tokens is no public text.
    expect(stretchText(SLACK)).toEqual(['T024BE7LD/B0123ABCD9/xyzAbC123dEf456GhI789jKl']);
    expect(stretchText(DATABASE)).toEqual(['Xk29dkLq0sPz7mWn4Rt']);
    // A vendor prefix inside the password is public too; a plain user name is.
    expect(stretchText(USERINFO)).toEqual(['R8kq2LmZ7xVt4Nw9PbC3sJd6']);
    expect(stretchText(QUERY)).toEqual(['Qm9uZ1Nlcn1ZaWdHd0F4TDd6']);
    // A high-entropy user (a Sentry DSN's key) is secret; a project number is not.
    expect(stretchText(SENTRY)).toEqual(['a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6']);
  });

  it('never counts a scheme, host, port, dictionary path word or query key as secret', () => {
    for (const v of [SLACK, DATABASE, USERINFO, QUERY, SENTRY]) {
      const secret = stretchText(v).join(' ');
      for (const pub of ['https', 'postgres', '://', 'hooks.slack.com', 'db.example.com', '5432', 'services', 'api', 'v1', 'v2', 'sslmode', 'format', 'key=', 'page', 'ingest.sentry.io', 'deploy']) {
        expect(secret.includes(pub), `${pub} in ${v}`).toBe(false);
      }
    }
    // A password with an unencoded "/" (a malformed URL people still write) is all secret, not half host.
    expect(stretchText('postgres://app:Xk29d/kLq0sPz7mWn4Rt@db.example.com:5432/app')).toEqual(['Xk29d/kLq0sPz7mWn4Rt']);
    // A URL with nothing secret in it is public throughout.
    expect(publicParts('https://api.example.com/v1/webhooks/incoming')).toEqual([[0, 44]]);
  });

  it('leaves the other kinds as they were: vendor prefix, PEM armour, JWT header', () => {
    expect(publicParts('github_pat_11ABCDEFG0123456789')).toEqual([[0, 11]]);
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----';
    // The armour with its line breaks.
    expect(publicParts(pem)).toEqual([[0, 20], [pem.length - 18, pem.length]]);
  });

  it('the DER header a private key body opens with is public: every key of that type and size has it', () => {
    const rsa = '-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC2Xk9Lm3Qw7Rt5Zp8Vn4Hs1Jc6\n-----END PRIVATE KEY-----';
    expect(stretchText(rsa)).toEqual(['C2Xk9Lm3Qw7Rt5Zp8Vn4Hs1Jc6']);
    const ec = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeYgZq7Lm2Xw9Rt4Vb8Nc3Kp6Hs1Jd5Fa\n-----END PRIVATE KEY-----';
    expect(stretchText(ec)).toEqual(['eYgZq7Lm2Xw9Rt4Vb8Nc3Kp6Hs1Jd5Fa']);
    const pkcs1 = '-----BEGIN RSA PRIVATE KEY-----\r\nMIIJKAIBAAKCAgEA0hPGEoP8SBZC38BHNGfLaII3\r\n-----END RSA PRIVATE KEY-----';
    expect(stretchText(pkcs1)).toEqual(['0hPGEoP8SBZC38BHNGfLaII3']);
  });

  it('no indexed window lies in what two real keys of one kind have in common', () => {
    const kinds: Array<[string, () => { privateKey: import('node:crypto').KeyObject }, string]> = [
      ['rsa-2048 pkcs8', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'pkcs8'],
      ['rsa-2048 pkcs1', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'pkcs1'],
      ['ec-p256 pkcs8', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'pkcs8'],
      ['ec-p256 sec1', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sec1'],
      ['ec-p384 pkcs8', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'pkcs8'],
      ['ec-p384 sec1', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sec1'],
      ['ed25519 pkcs8', () => generateKeyPairSync('ed25519'), 'pkcs8'],
    ];
    for (const [kind, generate, type] of kinds) {
      const [a, b] = [generate(), generate()].map((k) => k.privateKey.export({ type: type as 'pkcs8', format: 'pem' }) as string);
      let shared = 0;
      while (a![shared] === b![shared]) shared++;
      for (const s of indexedStarts(a!, WINDOW)) expect(s + WINDOW, `${kind}: a window inside the shared prefix`).toBeGreaterThan(shared);
    }
  });
});

describe('windows count only secret-bearing characters', () => {
  const values = [SLACK, DATABASE, USERINFO, QUERY, SENTRY, 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'];
  it('no indexed window includes a public character, and every secret-bearing character is in one', () => {
    for (const v of values) {
      const len = Math.min(WINDOW, v.length);
      const pub = new Set<number>();
      for (const [a, b] of publicParts(v)) for (let i = a; i < b; i++) pub.add(i);
      const covered = new Set<number>();
      const starts = indexedStarts(v, len);
      expect(starts.length, v).toBeGreaterThan(0);
      for (const s of starts) {
        for (let i = s; i < s + len; i++) {
          expect(pub.has(i), `${v} window at ${s} includes public character ${i}`).toBe(false);
          covered.add(i);
        }
      }
      for (let i = 0; i < v.length; i++) if (!pub.has(i)) expect(covered.has(i), `${v} character ${i}`).toBe(true);
    }
  });

  it('a stretch shorter than a window is covered with its public neighbours (only for values the admin allowed)', () => {
    const v = 'sk_live_Ab3dE6gH9j';
    expect(stretchesTooShort(v, WINDOW)).toBe(1);
    const starts = indexedStarts(v, WINDOW);
    // The one 12-character window of this 18-character value that holds all 10 secret characters.
    expect(starts).toEqual([6]);
  });

  it('the redactor finds the secret part of a URL and leaves its public parts alone', () => {
    const r = new Redactor();
    r.add({ name: 'HOOK', value: SLACK });
    r.add({ name: 'DB', value: DATABASE });
    const honest = 'POST https://hooks.slack.com/services/ then psql postgres://app@db.example.com:5432/app?sslmode=require';
    expect(r.redact(honest)).toEqual({ text: honest, redacted: [] });
    // Starting from public text gains nothing: the host plus the first characters of the token is no window.
    const guess = `https://hooks.slack.com/services/T024B`;
    expect(r.redact(guess).redacted).toEqual([]);
    expect(r.redact(`x ${SLACK} y`).text).toBe(`x https://hooks.slack.com/services/${replacementFor('HOOK')} y`);
    expect(r.redact(`${DATABASE}`).text).toBe(`postgres://app:${replacementFor('DB')}@db.example.com:5432/app?sslmode=require`);
  });
});

describe('the entropy floor is computed on what the matcher indexes', () => {
  it('folds case and leaves public parts out', () => {
    expect(secretMaterial('sk_live_AbCdEfGhIjKlMnOpQrSt')).toEqual(['abcdefghijklmnopqrst']);
    expect(secretMaterial(DATABASE)).toEqual(['xk29dklq0spz7mwn4rt']);
    expect(estimateSecretGuessBits('https://api.example.com/v1/webhooks/incoming').bits).toBe(0);
  });

  it('refuses a URL whose only secret is guessable, or that has none, though the whole string looks random enough', () => {
    for (const v of ['postgres://user:pass@db.example.com:5432/app', 'https://api.example-service.com/v1/webhooks/incoming', 'mysql://admin:Summer2024!@10.0.0.7:3306/shop']) {
      expect(() => assertValueAcceptable('V', v, false), v).toThrow(/easy to guess/);
      expect(() => assertValueAcceptable('V', v, false, true), v).not.toThrow();
    }
    expect(estimateSecretGuessBits('postgres://user:pass@db.example.com:5432/app').bits).toBeLessThan(MIN_GUESS_BITS);
  });

  it('refuses a value with a secret-bearing stretch shorter than a window unless allowed, and never echoes it', () => {
    const v = 'sk_live_Ab3dE6gH9j';
    expect(() => assertValueAcceptable('V', v, false)).toThrow(/shorter than 12 characters between public parts/);
    try {
      assertValueAcceptable('V', v, false);
    } catch (err) {
      expect((err as Error).message).not.toContain('Ab3dE6gH9j');
    }
    expect(() => assertValueAcceptable('V', v, false, true)).not.toThrow();
  });

  it('accepts the real shapes', () => {
    for (const v of [SLACK, DATABASE, USERINFO, QUERY, SENTRY]) expect(() => assertValueAcceptable('V', v, false), v).not.toThrow();
  });
});

describe('publicParts of an HTTP Basic credential stored as user:secret (red team 12)', () => {
  it('keeps a public user out (an email, a Twilio account or API key SID), only the secret half', () => {
    expect(stretchText('dana.whitfield@example-corp.com:ATATT3xFfGF0Qm9uZ1Nlcn1ZaWdHd0F4')).toEqual(['ATATT3xFfGF0Qm9uZ1Nlcn1ZaWdHd0F4']);
    expect(stretchText('AC0123456789abcdef0123456789abcdef:9f8e7d6c5b4a39281706f5e4d3c2b1a0')).toEqual(['9f8e7d6c5b4a39281706f5e4d3c2b1a0']);
    expect(stretchText('SK0123456789ABCDEF0123456789ABCDEF:Qm9uZ1Nlcn1ZaWdHd0F4TDd6')).toEqual(['Qm9uZ1Nlcn1ZaWdHd0F4TDd6']);
  });

  it('keeps any other user secret: only users the vendor shows everywhere are public', () => {
    for (const v of ['deploybot:Xk29dkLq0sPz7mWn4Rt', 'Qm9uZ1Nlcn1ZaWdH:d0F4TDd6Xk29dkLq', 'AC0123:9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'a@b:9f8e7d6c5b4a39281706f5e4d3c2b1a0']) {
      expect(stretchText(v), v).toEqual([v]);
    }
    // A user with nothing after the colon is no credential: all of it stays secret.
    expect(stretchText('dana@example.com:')).toEqual(['dana@example.com:']);
  });
});
