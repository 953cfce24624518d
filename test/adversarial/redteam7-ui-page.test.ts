// Red team 7, `blindfold ui` (the local admin page) driven with plain HTTP as a browser or an
// attacker would: the one-time login URL, cross-site posts with a live cookie and CSRF token, DNS
// rebinding, the headers on every answer (refusals included), and the value of a secret created
// through the page, which must never come back in any answer. All held: kept as regression tests.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { rawRequest, type RawResponse } from '../helpers/http-server.js';
import { csrfOf, getPage, postForm, setCookies } from '../helpers/redteam7-page.js';
import { expectNoTrace } from '../helpers/traces.js';
import { nextLoginUrl, startUiProcess, type UiProcess } from '../helpers/ui.js';

const VALUE = `rt7-${randomBytes(20).toString('base64url')}`;
const SECOND = `rt7-${randomBytes(20).toString('base64url')}`;
let t: TempHome;
let ui: UiProcess;
let cookie = '';
let csrf = '';
const answers: RawResponse[] = [];

const names = () => (JSON.parse(runCli(['list', '--json'], { env: t.env }).stdout) as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name);

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  ui = await startUiProcess(t.env);
}, 60_000);

afterAll(async () => {
  await ui?.stop();
  if (ui) expectNoTrace([ui.stderr(), ...answers.map((a) => JSON.stringify(a.headers) + a.body)].join('\n'), [VALUE, SECOND], 'page answers and output');
  t?.cleanup();
});

describe('redteam7: blindfold ui login (held)', () => {
  it('the one-time URL logs in once: a cookie HttpOnly, SameSite=Strict; the same URL again gets nothing', async () => {
    const url = ui.loginUrls()[0]!;
    const first = await rawRequest(url, { method: 'GET' });
    answers.push(first);
    expect(first.status).toBe(303);
    const line = setCookies(first).find((c) => c.startsWith('bf_ui_'))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Strict/i);
    cookie = line.split(';')[0]!;
    const again = await rawRequest(url, { method: 'GET' });
    expect(again.status).toBe(403);
    expect(setCookies(again)).toEqual([]);
    const page = await getPage(ui.origin, '/tokens', cookie);
    expect(page.status).toBe(200);
    csrf = csrfOf(page.body);
  });

  it('a rebound Host gets 403, the login URL included; every answer carries the page\'s headers', async () => {
    const port = new URL(ui.origin).port;
    const fresh = await nextLoginUrl(ui, 0);
    const rebound = await rawRequest(fresh, { method: 'GET', headers: { host: `rebind.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(setCookies(rebound)).toEqual([]);
    for (const r of [rebound, await rawRequest(`${ui.origin}/secrets`, { method: 'GET' }), await getPage(ui.origin, '/nowhere', cookie), await getPage(ui.origin, '/secrets', cookie)]) {
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('redteam7: blindfold ui writes (held)', () => {
  const create = (extra: Record<string, string> = {}, headers?: Record<string, string>) =>
    postForm(ui.origin, '/secrets', cookie, { _csrf: csrf, name: 'RT7_PAGE', description: '', hosts: 'api.example.com', placements: 'header', inject: '', metadata: '', 'value:development': VALUE, ...extra }, headers);

  it('a cross-site form post with the live cookie and CSRF token creates nothing', async () => {
    const attempts: Array<Record<string, string>> = [{ origin: 'http://evil.example' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, {}];
    for (const headers of attempts) {
      const r = await create({}, headers);
      answers.push(r);
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    expect(names()).not.toContain('RT7_PAGE');
  });

  it('a refused create shows the form again without the value; a created secret never shows its value on any page', async () => {
    const refused = await create({ hosts: 'not a host at all' });
    answers.push(refused);
    expect(refused.status).toBe(400);
    expectNoTrace(refused.body, [VALUE], 'refused create');
    const created = await create();
    answers.push(created);
    expect(created.status, created.body.slice(0, 300)).toBe(303);
    const edited = await postForm(ui.origin, '/secrets/RT7_PAGE', cookie, { _csrf: csrf, description: 'rt7', hosts: 'api.example.com', placements: 'header', inject: '', metadata: '', 'value:development': SECOND });
    answers.push(edited);
    expect(edited.status, edited.body.slice(0, 300)).toBe(303);
    for (const path of ['/secrets', '/secrets/RT7_PAGE', '/secrets/RT7_PAGE/edit', '/secrets/RT7_PAGE/delete', '/audit', '/audit?secret=RT7_PAGE', '/tokens', '/requests', '/suspensions']) {
      const r = await getPage(ui.origin, path, cookie);
      answers.push(r);
      expect(r.status, path).toBe(200);
      expectNoTrace(r.body, [VALUE, SECOND], `page ${path}`);
      expect(r.body).not.toMatch(/type="password"[^>]*value="[^"]/);
    }
  });
});
