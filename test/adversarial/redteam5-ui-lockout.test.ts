// Fifth red team, the admin page (SPEC §9; README "Admin page": "a page of another site, or a DNS
// name rebound to 127.0.0.1, gets nothing"; "attempts are rate limited").
//
// The attack: a hostile web page open in the admin's browser (any site: an agent can get a link in
// front of the admin through a request reason, an issue, a doc) embeds a dozen images whose src is
// `http://127.0.0.1:<ui port>/login?token=x`. These are plain cross-site GETs: the Host is the
// page's own (127.0.0.1:<port>, so the DNS-rebinding check passes), GET is exempt from the
// Origin/Sec-Fetch-Site check (only writes are), and /login counts every attempt in ONE global
// window (src/ui/sessions.ts #limited: 10 a minute for everybody). So the hostile page spends the
// window and keeps it spent, and the admin's own one-time URL is answered 429 "Too many login
// attempts" for as long as the page stays open: the admin is locked out of the page (where
// request_secret is answered, tokens are revoked and suspensions lifted). Each refused attempt
// also appends an `auth.denied` entry to the audit trail, unauthenticated and without limit.
// The safe behaviour: a cross-site request (Sec-Fetch-Site: cross-site) neither logs in nor spends
// the window, so the admin's login still works.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { launchChromium, startUiProcess, type UiProcess } from '../helpers/ui.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import type { Browser } from 'playwright-core';

let t: TempHome;
let ui: UiProcess;
let browser: Browser;
let hostile: Listening;

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  ui = await startUiProcess(t.env);
  // The hostile site: another origin on loopback, serving a page of image tags aimed at /login.
  const imgs = Array.from({ length: 14 }, (_, i) => `<img src="${ui.origin}/login?token=rt5-not-a-token-${i}">`).join('\n');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>cat pictures</title>${imgs}`);
  });
  hostile = await listenOn(server);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hostile?.close();
  await ui?.stop();
  t?.cleanup();
});

describe('redteam5: a page of another site cannot lock the admin out of the admin page', () => {
  it('after a hostile page fired cross-site GETs at /login, the admin\'s own one-time URL still logs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The admin visits the hostile page (a different origin: another port of 127.0.0.1).
    await page.goto(`${hostile.url.replace('127.0.0.1', 'localhost')}/`, { waitUntil: 'load' });
    // The admin then opens the one-time login URL that `blindfold ui` printed.
    const loginUrl = ui.loginUrls().at(-1)!;
    const response = await page.goto(loginUrl, { waitUntil: 'load' });
    const text = await page.content();
    expect(text, 'the admin was refused: the hostile page spent the login rate limit').not.toMatch(/Too many login attempts/);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/secrets');
    await context.close();
  });
});

// The same on the team server's /ui, from a hostile AGENT: it holds only its agent token (or none
// at all), can reach the server's port (the set-up for agents with a shell), and is no browser, so
// it sets the Origin the write check wants. Ten bogus POST /ui/login a minute keep the one global
// window spent: the admin's real admin token is answered 429, so the page where tokens are revoked
// and suspensions lifted is out of reach while the agent keeps at it.
describe('redteam5: an agent cannot lock the admin out of the team server\'s page', () => {
  let team: TempHome;
  let server: HttpServerProcess;
  let adminToken = '';

  beforeAll(async () => {
    team = tempHome();
    expect(runCli(['init'], { env: team.env }).code).toBe(0);
    const agent = runCli(['token', 'create', 'agent', '--secrets', 'NONE_*'], { env: team.env });
    expect(agent.code, agent.stderr).toBe(0);
    const admin = runCli(['token', 'create', 'boss', '--admin'], { env: team.env });
    expect(admin.code, admin.stderr).toBe(0);
    adminToken = admin.stdout.trim();
    server = await startHttpServer(team.env);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    team?.cleanup();
  });

  it('after an agent posts bogus logins, the admin token still logs in', async () => {
    const origin = new URL(server.url).origin;
    const login = (token: string) =>
      rawRequest(`${origin}/ui/login`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ token }).toString(),
      });
    // Control: before the agent starts, the admin token logs in (303 to the page, a session cookie).
    const before = await login(adminToken);
    expect(before.status).toBe(303);
    for (let i = 0; i < 12; i++) await login(`rt5-bogus-${i}`);
    const r = await login(adminToken);
    expect(r.status, 'the admin token was refused: an agent spent the page\'s login window').not.toBe(429);
    expect(r.status).toBe(303);
    expect(String(r.headers['set-cookie'] ?? '')).toMatch(/HttpOnly/i);
  });
});
