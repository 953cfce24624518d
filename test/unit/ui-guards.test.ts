// The admin page's guards without a browser: one-time login tokens, session expiry and logout,
// the login rate limit, escaping of everything interpolated, and which writes count as from the page.
import { describe, expect, it } from 'vitest';
import { fromThisPage, pageAllowLists } from '../../src/ui/guard.js';
import { html } from '../../src/ui/html.js';
import { Sessions } from '../../src/ui/sessions.js';

describe('admin page sessions', () => {
  it('a login token works once; a session ends when idle, at its absolute limit, and at logout', () => {
    let now = 1_000_000;
    const sessions = new Sessions({ idleMs: 1000, absoluteMs: 5000, loginsPerWindow: 100 }, () => now);
    const token = sessions.issueLogin();
    const first = sessions.login(token);
    expect(first.ok).toBe(true);
    expect(sessions.login(token)).toEqual({ ok: false, reason: 'invalid' });
    if (!first.ok) return;
    const s = first.session;
    expect(s.loginId).toMatch(/^[0-9a-f]{12}$/);
    expect(s.id).not.toContain(s.loginId);
    now += 900;
    expect(sessions.find(s.id)).toBe(s);
    now += 1001;
    expect(sessions.find(s.id)).toBeUndefined(); // idle too long

    const again = sessions.login(sessions.issueLogin());
    if (!again.ok) throw new Error('login refused');
    for (let i = 0; i < 6; i++) {
      now += 900;
      sessions.find(again.session.id);
    }
    expect(sessions.find(again.session.id)).toBeUndefined(); // past the absolute limit though never idle

    const third = sessions.login(sessions.issueLogin());
    if (!third.ok) throw new Error('login refused');
    sessions.logout(third.session);
    expect(sessions.find(third.session.id)).toBeUndefined();
  });

  it('limits wrong login attempts per window, reports the limit once a window, and never refuses a right token', () => {
    let now = 0;
    const sessions = new Sessions({ loginsPerWindow: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) expect(sessions.login('wrong')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(sessions.login('wrong')).toMatchObject({ ok: false, reason: 'rate', quiet: false });
    expect(sessions.login('wrong')).toMatchObject({ ok: false, reason: 'rate', quiet: true });
    // The window is full of wrong attempts: the admin's own token still opens (256 random bits: nothing to limit).
    expect(sessions.login(sessions.issueLogin()).ok).toBe(true);
    now += 60_001;
    expect(sessions.login('wrong')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('admin page output and writes', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const hostile = `"><script>alert(1)</script><a href='x' onclick=\`y\`>&`;
    const out = html`<p title="${hostile}">${hostile}</p>${[hostile, html`<b>${hostile}</b>`]}`.toString();
    expect(out).not.toMatch(/<script|<a |onclick=`|title=""/);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('<b>&quot;&gt;');
  });

  it('counts a write as from the page only by its Origin or the browser\'s Sec-Fetch-Site', () => {
    const lists = pageAllowLists('127.0.0.1', 7778);
    expect(fromThisPage({ origin: 'http://127.0.0.1:7778' }, lists)).toBe(true);
    expect(fromThisPage({ origin: 'null', fetchSite: 'same-origin' }, lists)).toBe(true);
    expect(fromThisPage({ origin: 'http://127.0.0.1:7779' }, lists)).toBe(false);
    expect(fromThisPage({ origin: 'http://evil.example' }, lists)).toBe(false);
    expect(fromThisPage({ origin: 'null' }, lists)).toBe(false);
    expect(fromThisPage({ origin: 'null', fetchSite: 'cross-site' }, lists)).toBe(false);
    expect(fromThisPage({ origin: 'http://127.0.0.1:7778', fetchSite: 'same-site' }, lists)).toBe(false);
    expect(fromThisPage({}, lists)).toBe(false);
  });
});
