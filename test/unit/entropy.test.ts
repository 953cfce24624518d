// The guessability floor (SPEC §1 promise 4a, §3): values an attacker tries first are refused at
// `set`/`import`; keys a provider issues pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateGuessBits, isGuessable, MIN_GUESS_BITS } from '../../src/vault/entropy.js';
import { assertValueAcceptable } from '../../src/vault/names.js';

const GUESSABLE = [
  '12345678', // sequence
  '83920174', // eight random digits: a PIN is 26.6 bits whatever its digits
  '20240101', // date YYYYMMDD
  '01/01/2024', // date DD/MM/YYYY
  '31.12.1999',
  'password1', // common password + digit
  'P@ssw0rd', // leet
  'Password', // capitalised
  'drowssap', // reversed
  'qwertyui', // keyboard row
  '1qaz2wsx', // keyboard columns
  'aaaaaaaa', // repeat
  'abcabcabc', // repeated block
  'letmein!',
  'abcdefgh',
  'Summer2024!',
  'elephant', // eight lowercase letters: 37.6 bits even as random letters
  'value-1234',
];

const STRONG = [
  'sk-live-4eC39HqLyjWDarjtT1zdp7dc',
  'sk-proj-Zb8xQ2mN4pL7vR1tY9wK3sD6fH0jG5aC',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'a3f9c2e81b7d4056e9f1a2b3c4d5e6f7', // 32 hex
  'dGhpcyBpcyBhIGJhc2U2NCBrZXkgdmFsdWU=', // base64
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', // JWT
  'AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCY',
  'correcthorsebatterystaple',
];

describe('estimateGuessBits', () => {
  it.each(GUESSABLE)('refuses %s as guessable', (value) => {
    const e = estimateGuessBits(value);
    expect(e.bits, JSON.stringify(e)).toBeLessThan(MIN_GUESS_BITS);
    expect(isGuessable(value)).toBe(true);
  });

  it.each(STRONG)('accepts %s', (value) => {
    const e = estimateGuessBits(value);
    expect(e.bits, JSON.stringify(e)).toBeGreaterThanOrEqual(MIN_GUESS_BITS);
    expect(isGuessable(value)).toBe(false);
  });

  it('names the patterns it found, never the text', () => {
    expect(estimateGuessBits('20240101').patterns).toEqual(['date']);
    expect(estimateGuessBits('qwertyui').patterns).toEqual(['keyboard']);
    expect(estimateGuessBits('aaaaaaaa').patterns).toEqual(['repeat']);
    expect(estimateGuessBits('Password').patterns).toEqual(['word']);
    expect(estimateGuessBits('83920174').patterns).toEqual(['digits']);
  });

  it('random 20+ character [A-Za-z0-9] strings always pass', () => {
    const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    fc.assert(
      fc.property(fc.array(alnum, { minLength: 20, maxLength: 64 }), (chars) => {
        expect(isGuessable(chars.join(''))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('is fast on long values (a PEM-sized key)', () => {
    const long = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.repeat(80);
    const started = performance.now();
    expect(isGuessable(long)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('assertValueAcceptable', () => {
  it('refuses a guessable value naming --allow-guessable and the reason, never the value', () => {
    let message = '';
    try {
      assertValueAcceptable('PIN', '20240101', false, false);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--allow-guessable');
    expect(message).toContain('date');
    expect(message).not.toContain('20240101');
    expect(() => assertValueAcceptable('PIN', '20240101', false, true)).not.toThrow();
  });

  it('a short and guessable value names both flags', () => {
    expect(() => assertValueAcceptable('PIN', '1234', false, false)).toThrowError(/--allow-short.*--allow-guessable/s);
    expect(() => assertValueAcceptable('PIN', '1234', true, false)).toThrowError(/--allow-guessable/);
    expect(() => assertValueAcceptable('PIN', '1234', true, true)).not.toThrow();
  });
});
