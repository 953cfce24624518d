// Red team 8: the team server's page session path keys (/ui/k/<key>/…), attacked from a server an
// agent runs on another port of 127.0.0.1 (README "Admin page", "On the team server": "a browser
// sends a host's cookies to every port of it … A link without the key (the ones `request_secret`
// gives) opens in the live session of that browser (the page remembers its key in the origin's own
// storage, which no other port can read)").
//
// Found (failing): another port cannot READ the remembered key, but it can WRITE it. A page of the
// agent's server submits a cross-origin form to /ui/k/<a key it made up>/…; the team server refuses
// it (403 "Refused", an HTML page that loads /static/app.js and shows no login form), and app.js
// stores any key of a keyed page without a login form (src/ui/static/app.js:
// `else localStorage.setItem(KEY, keyed[1])`). The admin's next keyless link (request_secret's
// /ui/requests/<id>) is then sent to the made-up key's path and asks for a login, although the
// browser holds a live session. (A plain link to /ui/k/<any key>/ does the same through the
// login form shown there: `if (loginShown) localStorage.removeItem(KEY)`.)
//
// Found (failing, minor): a keyless link into a session whose admin token was revoked, expired or
// replaced asks for a login but loses the page linked: src/ui/app.ts `endedSession` renders
// `loginFormView(message)` without `next` (the 401 for an unknown or timed-out session passes
// `c.req.path`), so after the login the admin lands on /secrets. README: "or asks for a login and
// then goes to the page linked".
//
// Held (kept as guards): the cookie's path, a cookie refused under any other path or key, a
// client-sent x-blindfold-page-key dropped (odd case, duplicated), the login's `next` never leaves
// the origin nor the session's path, no markup injected through `next`, and in Chromium: a server on
// another port is never sent the cookie nor the key (URL, Referer), while a keyless link opens in
// the live session.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { getPage, teamLogin } from '../helpers/redteam7-page.js';
import { launchChromium } from '../helpers/ui.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const TOKEN = /bf_agt_[A-Za-z0-9_-]{43}/;
const rnd = () => [...randomBytes(4)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const BOSS = `rt8-boss-${rnd()}`;
const AGENT = `rt8-agent-${rnd()}`;
/** A key the attacker made up: 22 characters of the key alphabet. */
const MADE_UP = randomBytes(16).toString('base64url');

let t: TempHome;
let server: HttpServerProcess;
let origin: string;
let browser: Browser;
let evil: Listening;
const evilSeen: Array<{ url: string; cookie: string; referer: string }> = [];
const tokens: Record<string, string> = {};

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = TOKEN.exec(r.stdout)![0]);
}

/** The agent's dev server on another port of 127.0.0.1: records what a browser sends it. */
function evilPage(req: IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/poison') {
    // A cross-origin form post to a keyed path of the team server, with a key made up here.
    return `<!doctype html><form id="f" method="post" action="${origin}/ui/k/${MADE_UP}/rt8-${rnd()}"><input name="x" value="1"></form><script>document.getElementById('f').submit()</script>`;
  }
  if (url.pathname === '/go') return `<!doctype html><script>location.href=${JSON.stringify(`${origin}/ui/requests`)}</script>`;
  return `<!doctype html><p>rt8 dev server</p><img src="${origin}/ui/static/style.css"><a id="a" href="${origin}/ui/secrets">x</a>`;
}

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  createToken(BOSS, '--admin');
  createToken(AGENT, '--secrets', 'RT8_*');
  server = await startHttpServer(t.env);
  origin = new URL(server.url).origin;
  evil = await listenOn(
    createServer((req, res) => {
      evilSeen.push({ url: req.url ?? '', cookie: String(req.headers.cookie ?? ''), referer: String(req.headers.referer ?? '') });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(evilPage(req));
    }),
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await evil?.close();
  await server?.stop();
  t?.cleanup();
});

/** Logs in through the form in a fresh browser context; returns the context and the session's key. */
async function browserLogin(): Promise<{ context: BrowserContext; key: string; cookie: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/ui/login`);
  await page.fill('input[name=token]', tokens[BOSS]!);
  await Promise.all([page.waitForURL(/\/ui\/k\/[A-Za-z0-9_-]{22}\/secrets$/), page.click('button[type=submit]')]);
  const key = /\/ui\/k\/([A-Za-z0-9_-]{22})\//.exec(page.url())![1]!;
  const cookie = (await context.cookies()).find((c) => c.name.startsWith('bf_ui_'))!;
  expect(cookie.path).toBe(`/ui/k/${key}`);
  await page.close();
  return { context, key, cookie: cookie.value };
}

describe('redteam8: the session key remembered by app.js, from another port (Chromium)', () => {
  it('a keyless link opens in the live session, and a server on another port is sent neither the cookie nor the key (held)', async () => {
    const { context, key, cookie } = await browserLogin();
    try {
      const page = await context.newPage();
      await page.goto(`${evil.url}/`);
      await page.click('#a');
      await page.waitForURL(new RegExp(`/ui/k/${key}/secrets$`));
      await page.goto(`${evil.url}/go`);
      await page.waitForURL(new RegExp(`/ui/k/${key}/requests$`));
      expect(await page.locator('form.token-form').count()).toBe(0);
      await page.goto(`${evil.url}/after`);
      const sent = JSON.stringify(evilSeen);
      expect(sent.includes(key), 'the session key reached the other port').toBe(false);
      expect(sent.includes(cookie), 'the session cookie reached the other port').toBe(false);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("a page on another port cannot redirect the admin's keyless links away from the live session (localStorage poisoned through a refused form post)", async () => {
    const { context, key } = await browserLogin();
    try {
      const page = await context.newPage();
      // The keyless link works before the attack.
      await page.goto(`${origin}/ui/requests`);
      await page.waitForURL(new RegExp(`/ui/k/${key}/requests$`));
      // The admin opens a page of the agent's dev server (another port of 127.0.0.1).
      await page.goto(`${evil.url}/poison`);
      await page.waitForURL(new RegExp(`/ui/k/${MADE_UP}/`));
      await page.waitForLoadState('load');
      await page.waitForTimeout(300); // app.js is deferred
      // Then clicks the link request_secret gave (keyless): README: it "opens in the live session of that browser".
      await page.goto(`${origin}/ui/requests`);
      await page.waitForLoadState('load');
      await page.waitForTimeout(500);
      const landed = new URL(page.url()).pathname;
      const loginShown = (await page.locator('form.token-form').count()) > 0;
      expect({ landed, loginShown }, `the keyless link was sent to the key the other port chose (${MADE_UP}), not the live session's`).toEqual({ landed: `/ui/k/${key}/requests`, loginShown: false });
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('redteam8: the session path key over plain HTTP (held)', () => {
  let cookie = '';
  let base = '';
  let key = '';
  beforeAll(async () => {
    const login = await teamLogin(origin, tokens[BOSS]!);
    expect(login.status).toBe(303);
    ({ cookie, base } = login);
    key = base.slice('/ui/k/'.length);
    expect(login.setCookie).toContain(`Path=${base}`);
    expect(login.setCookie).toMatch(/HttpOnly/i);
    expect(login.setCookie).toMatch(/SameSite=Strict/i);
    expect((await getPage(origin, '/ui/secrets', cookie)).status).toBe(200);
  });

  it('the cookie opens nothing under another path: keyless, another key, case, slashes, encodings', async () => {
    const other = randomBytes(16).toString('base64url');
    const paths = [
      '/ui/secrets',
      '/ui',
      `/ui/k/${other}/secrets`,
      `/ui/k/${key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase()}/secrets`,
      `/ui/K/${key}/secrets`,
      `/ui//k/${key}/secrets`,
      `/ui/k/${key}x/secrets`,
      `/ui/k/${key.slice(0, 21)}/secrets`,
      `/ui/k%2F${key}/secrets`,
      `/ui/k/${key}%2Fsecrets`,
      `/ui/k/${other}/../${key}/secrets`,
    ];
    for (const path of paths) {
      // Sent byte for byte (node's http.request would resolve the dot segments first, as a browser does).
      const r = await rawTwice(path, cookie, []);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(r)?.[1]);
      expect([401, 404, 400], `${path}: ${status}`).toContain(status);
      expect(r, path).not.toContain('signed in as');
    }
  });

  it('a client-sent x-blindfold-page-key is dropped, however spelled or repeated', async () => {
    const spellings: Array<Record<string, string>> = [
      { 'x-blindfold-page-key': key },
      { 'X-Blindfold-Page-Key': key },
      { 'X-BLINDFOLD-PAGE-KEY': key },
    ];
    for (const extra of spellings) {
      const r = await rawRequest(`${origin}/ui/secrets`, { method: 'GET', headers: { cookie, ...extra } });
      expect(r.status, JSON.stringify(Object.keys(extra))).toBe(401);
    }
    // Twice, raw (two header lines, different case), and with a keyed URL of another key.
    const other = randomBytes(16).toString('base64url');
    const raw = await rawTwice(`/ui/k/${other}/secrets`, cookie, [`x-blindfold-page-key: ${key}`, `X-Blindfold-Page-Key: ${key}`]);
    expect(raw).toMatch(/^HTTP\/1\.1 401/);
  });

  it("the login's `next` stays on this origin and under the new session's path; it injects no markup", async () => {
    const nexts = ['//rt8-evil.example/x', '/\\rt8-evil.example', 'http://rt8-evil.example/', '/%2F%2Frt8-evil.example', '/k/../../../x', `/a/../../../../${'x'}`, '/"><script>alert(1)</script>', ' /secrets'];
    for (const next of nexts) {
      const r = await rawRequest(`${origin}/ui/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ token: tokens[BOSS]!, next }).toString(),
      });
      expect(r.status, next).toBe(303);
      const location = String(r.headers.location);
      expect(location, next).toMatch(/^\/ui\/k\/[A-Za-z0-9_-]{22}\//);
      expect(new URL(location, origin).origin, next).toBe(origin);
    }
    const form = await rawRequest(`${origin}/ui/requests/%22%3E%3Cscript%3Ealert(1)%3C/script%3E`, { method: 'GET' });
    expect(form.status).toBe(401);
    expect(form.body).not.toMatch(/<script>alert/);
  });

  it('every answer under /ui says Referrer-Policy: no-referrer, refusals included', async () => {
    for (const [path, method] of [[`${base}/secrets`, 'GET'], ['/ui/secrets', 'GET'], [`/ui/k/${MADE_UP}/x`, 'POST'], ['/ui/login', 'GET']] as const) {
      const r = await rawRequest(`${origin}${path}`, { method, headers: method === 'GET' ? { cookie } : { origin: evil.url, 'content-type': 'application/x-www-form-urlencoded' }, body: method === 'POST' ? 'x=1' : undefined });
      expect(r.headers['referrer-policy'], path).toBe('no-referrer');
    }
  });
});

/** A GET written by hand, so two header lines of one name can be sent. */
async function rawTwice(path: string, cookie: string, lines: string[]): Promise<string> {
  const { connect } = await import('node:net');
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    let out = '';
    socket.setEncoding('utf8').on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('redteam8: a keyless link into a session whose admin token was revoked', () => {
  it('asks for a login and then goes to the page linked (README), as it does for a session that timed out', async () => {
    const name = `rt8-bossd-${rnd()}`;
    const login = await teamLogin(origin, createToken(name, '--admin'));
    expect(login.status).toBe(303);
    const linked = `/requests/rt8${rnd()}`;
    // What app.js does with a keyless link: the same path under the remembered key.
    expect((await getPage(origin, '/ui/secrets', login.cookie)).status).toBe(200);
    expect(runCli(['token', 'revoke', name], { env: t.env }).code).toBe(0);
    const ended = await rawRequest(`${origin}${login.base}${linked}`, { method: 'GET', headers: { cookie: login.cookie } });
    expect(ended.status).toBe(401);
    expect(ended.body).toContain('token-form');
    // The login form it shows must carry the page linked, as the one for an unknown or timed-out session does.
    const unknown = await rawRequest(`${origin}/ui/k/${MADE_UP}${linked}`, { method: 'GET' });
    expect(unknown.body).toContain(`name="next" value="${linked}"`);
    expect(ended.body, 'after the login, the admin lands on /secrets, not on the page linked').toContain(`name="next" value="${linked}"`);
  });
});
