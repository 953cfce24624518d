// Issue 23: the pieces of the request form that need no browser: the registrable domain shown
// beside each host an agent proposed, and the team server's admin-token login, whose wrong
// attempts are rate limited.
import { describe, expect, it } from 'vitest';
import { registrableDomain, showHost } from '../../src/policy/registrable.js';
import { Sessions } from '../../src/ui/sessions.js';

describe('registrable domain of a proposed host', () => {
  it('is the last two labels, or three under a listed multi-label suffix; an address is itself', () => {
    expect(registrableDomain('api.github.com')).toBe('github.com');
    expect(registrableDomain('api.github.com.evil.example')).toBe('evil.example');
    expect(registrableDomain('*.eu.api.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('someone.github.io')).toBe('someone.github.io');
    expect(registrableDomain('API.Example.COM.')).toBe('example.com');
    expect(registrableDomain('127.0.0.1')).toBe('127.0.0.1');
    expect(registrableDomain('[::1]')).toBe('[::1]');
    expect(registrableDomain('localhost')).toBe('localhost');
  });

  it('a look-alike with a unicode label is shown as punycode, the way it is bound', () => {
    expect(showHost('api.gіthub.com').registrable).toMatch(/^xn--/);
    expect(() => showHost('https://api.github.com/path')).toThrow(/BAD_HOST|invalid host/);
  });
});

describe('admin-token logins (team server /ui)', () => {
  /** The holder of a right admin token: the session remembers which token opened it. */
  const right = async () => ({ name: 'admin', createdAt: '2026-12-07T00:00:00.000Z' });

  it('count wrong tokens against the login limit; a right one is let in even when the window is full', async () => {
    const sessions = new Sessions({ loginsPerWindow: 3, windowMs: 60_000 });
    const wrong = async () => undefined;
    for (let i = 0; i < 3; i++) expect(await sessions.admit(wrong)).toEqual({ ok: false, reason: 'invalid' });
    expect(await sessions.admit(wrong)).toMatchObject({ ok: false, reason: 'rate' });
    // Admin tokens are 256 random bits: the limit guards nothing there, and must not lock the admin out.
    expect((await sessions.admit(right)).ok).toBe(true);
  });

  it('with a shared counter (instances on one database), wrong tokens are counted there, right ones never', async () => {
    const sessions = new Sessions({ loginsPerWindow: 3, windowMs: 60_000 });
    const asked: number[] = [];
    let left = 2;
    const shared = async (perMinute: number) => (asked.push(perMinute), left-- > 0 ? undefined : 42);
    expect(await sessions.admit(async () => undefined, shared)).toEqual({ ok: false, reason: 'invalid' });
    expect(await sessions.admit(async () => undefined, shared)).toEqual({ ok: false, reason: 'invalid' });
    expect(await sessions.admit(async () => undefined, shared)).toMatchObject({ ok: false, reason: 'rate', retryAfterS: 42, quiet: false });
    expect(await sessions.admit(async () => undefined, shared)).toMatchObject({ ok: false, reason: 'rate', quiet: true });
    expect((await sessions.admit(right, shared)).ok).toBe(true);
    expect(asked).toEqual([3, 3, 3, 3]);
  });

  it('an accepted one opens a session with its own login id and CSRF token', async () => {
    const sessions = new Sessions();
    const outcome = await sessions.admit(right);
    if (!outcome.ok) throw new Error('refused');
    expect(outcome.session.loginId).toMatch(/^[0-9a-f]{12}$/);
    expect(sessions.find(outcome.session.id)).toBe(outcome.session);
    expect(outcome.session.holder).toEqual({ name: 'admin', createdAt: '2026-12-07T00:00:00.000Z' });
  });
});
