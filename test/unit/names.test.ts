import { describe, expect, it } from 'vitest';
import { assertEnvironment, assertSecretName, assertValueAcceptable } from '../../src/vault/names.js';

describe('secret names', () => {
  it.each(['A', 'GITHUB_TOKEN', 'k2', 'a'.repeat(64), 'Mixed_Case_9'])('accepts %s', (n) => {
    expect(assertSecretName(n)).toBe(n);
  });
  it.each(['', '9KEY', '_KEY', 'KEY-NAME', 'KEY NAME', 'a'.repeat(65), 'KEY.X', 'ключ', '__proto__'])('refuses %j quoting the rule', (n) => {
    expect(() => assertSecretName(n)).toThrowError(/\^\[A-Za-z\]\[A-Za-z0-9_\]\{0,63\}\$/);
  });
});

describe('environments', () => {
  it.each(['development', 'staging', 'production', 'default', 'eu-west_1'])('accepts %s', (e) => {
    expect(assertEnvironment(e)).toBe(e);
  });
  it.each(['', 'Prod', '1st', 'a'.repeat(33), 'pro duction'])('refuses %j', (e) => {
    expect(() => assertEnvironment(e)).toThrowError(/environment must match/);
  });
});

describe('values', () => {
  it('refuses short values unless allowed, without echoing them', () => {
    expect(() => assertValueAcceptable('K', 'abc', false)).toThrowError(/--allow-short/);
    expect(() => assertValueAcceptable('K', 'abc', false)).not.toThrowError(/abc/);
    // Three characters are also guessable: --allow-short alone is not enough (see entropy.test.ts).
    expect(() => assertValueAcceptable('K', 'abc', true)).toThrowError(/--allow-guessable/);
    expect(() => assertValueAcceptable('K', 'abc', true, true)).not.toThrow();
    expect(() => assertValueAcceptable('K', '', true)).toThrowError(/empty/);
    // Eight characters are long enough; 12345678 is not refused for length but for being a sequence.
    expect(() => assertValueAcceptable('K', 'Xq7#mP2v', false)).not.toThrow();
    expect(() => assertValueAcceptable('K', '12345678', false)).toThrowError(/--allow-guessable/);
    expect(() => assertValueAcceptable('K', '12345678', false, true)).not.toThrow();
  });
});
