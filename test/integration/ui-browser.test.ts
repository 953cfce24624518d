// Issue 23, first slice: `blindfold ui` end to end in a real headless Chromium (Debian chromium
// driven by playwright-core), against the built CLI as a child process. A secret is created with
// values for two environments, found, edited, looked at and deleted through the page; after each
// save no spelling of either value is in the DOM, the page source or any response the browser
// received. The guards are checked from outside as an attacker would: a second use of the login
// URL, a cross-site form, raw POSTs without or with a wrong CSRF token or Origin, a wrong Host,
// an inline script injected into the page.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { rawRequest } from '../helpers/http-server.js';
import { expectNoTrace } from '../helpers/traces.js';
import { launchChromium, nextLoginUrl, startUiProcess, type UiProcess } from '../helpers/ui.js';

const DEV_VALUE = `sk_test_${randomBytes(20).toString('hex')}`;
const PROD_VALUE = `sk_live_${randomBytes(20).toString('base64url')}`;
const VALUES = [DEV_VALUE, PROD_VALUE];
const NAME = 'PAGE_API_KEY';
// Written to docs/screenshots by `npm run screenshots` only (each run differs in ports and times); taken either way.
const SCREENSHOTS = process.env.BLINDFOLD_SCREENSHOTS ? join(REPO, 'docs/screenshots') : undefined;
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let t: TempHome;
let ui: UiProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let attacker: Server;
/** Every response the browser received: URL, headers and body. */
const received: Promise<string>[] = [];

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  expect(runCli(['token', 'create', 'page-bot', '--secrets', 'PAGE_*'], { env: t.env }).code).toBe(0);
  ui = await startUiProcess(t.env);
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  page.on('response', (r) => {
    received.push(
      (async () => {
        let body = '';
        try {
          body = await r.text();
        } catch {
          // a redirect has no body
        }
        return `${r.status()} ${r.url()}\n${JSON.stringify(await r.allHeaders())}\n${body}`;
      })(),
    );
  });
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
  t?.cleanup();
});

/** No spelling of either value in the DOM (markup, input values, text) or in any response so far. */
async function expectNoValueAnywhere(where: string): Promise<void> {
  const markup = await page.content();
  // Browser code as strings: the test program is typed for Node, without the DOM's types.
  const fieldValues = await page.evaluate<string>("[...document.querySelectorAll('input, textarea')].map((i) => i.value).join('\\n')");
  const text = await page.evaluate<string>('document.body.innerText');
  expectNoTrace(markup, VALUES, `${where}: DOM`);
  expectNoTrace(fieldValues, VALUES, `${where}: form fields`);
  expectNoTrace(text, VALUES, `${where}: page text`);
  expectNoTrace((await Promise.all(received)).join('\n'), VALUES, `${where}: network responses`);
}

async function screenshot(file: string): Promise<void> {
  // By construction: the value is not in the DOM, so it cannot be in the picture.
  await expectNoValueAnywhere(`screenshot ${file}`);
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ ...(SCREENSHOTS ? { path: join(SCREENSHOTS, file) } : {}), fullPage: true });
  // The page's text beside each picture: a page that changed since the README's pictures were
  // taken fails here until `npm run screenshots` takes them again (what changes per run is masked).
  const text = pageText(await page.locator('body').innerText());
  const snapshot = join(REPO, 'docs/screenshots', file.replace(/\.png$/, '.txt'));
  if (SCREENSHOTS) writeFileSync(snapshot, text);
  else expect(text, `${file} no longer shows what docs/screenshots holds: run npm run screenshots`).toBe(readFileSync(snapshot, 'utf8'));
}

/** A page's visible text with what differs from run to run (times, ids, ports, counts of time) masked. */
function pageText(text: string): string {
  return `${text
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, '<time>')
    .replace(/\b\d{1,2}:\d\d(:\d\d)?\b/g, '<time>')
    .replace(/\b\d+(\.\d+)? ?(ms|s|seconds?|minutes?|hours?|days?) ago\b/g, '<ago>')
    .replace(/\b[0-9a-f]{8,}\b/g, '<id>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/bf_agt_[A-Za-z0-9_-]+/g, '<token>')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim()}\n`;
}

async function loginCookieAndCsrf(): Promise<{ cookie: string; csrf: string }> {
  const url = await nextLoginUrl(ui, 0);
  const login = await rawRequest(url, { method: 'GET' });
  expect(login.status).toBe(303);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const tokens = await rawRequest(`${ui.origin}/tokens`, { method: 'GET', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(tokens.body)?.[1];
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf! };
}

describe('blindfold ui in a real browser', () => {
  it('logs in with the one-time URL, and a second use of it is refused', async () => {
    const [first] = ui.loginUrls();
    const r = await page.goto(first!);
    expect(page.url()).toBe(`${ui.origin}/secrets`);
    expect(r?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Secrets');
    const again = await (await context.newPage()).goto(first!);
    expect(again?.status()).toBe(403);
    expect(await again?.text()).toContain('already used');
    // The cookie is HttpOnly, SameSite=Strict, Path=/.
    const [cookie] = await context.cookies(ui.origin);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate<string>('document.cookie')).toBe('');
  });

  it('creates a secret with values for two environments', async () => {
    await page.goto(`${ui.origin}/secrets/new`);
    const devField = page.locator('input[name="value:development"]');
    expect(await devField.getAttribute('type')).toBe('password');
    expect(await devField.getAttribute('autocomplete')).toBe('off');
    await page.fill('input[name="name"]', NAME);
    await page.fill('input[name="description"]', 'Key for the page test API');
    await page.fill('textarea[name="hosts"]', 'api.example.com');
    await devField.fill(DEV_VALUE);
    await page.fill('input[name="value:production"]', PROD_VALUE);
    await Promise.all([page.waitForURL(`${ui.origin}/secrets/${NAME}?ok=created`), page.click('button[type="submit"]:text("Create")')]);
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('development, production');
    expect(facts).toContain('api.example.com');
    await expectNoValueAnywhere('after create');
    await screenshot('secret.png');
  });

  it('finds it by search, and the matrix shows the environments without a value', async () => {
    await page.goto(`${ui.origin}/secrets`);
    await page.fill('input[name="q"]', 'page_api');
    await Promise.all([page.waitForURL(/q=page_api/), page.click('button:text("Filter")')]);
    expect(await page.locator('table.secrets').innerText()).toContain(NAME);
    const matrixRow = await page.locator('table.matrix tr', { hasText: NAME }).innerText();
    expect(matrixRow).toMatch(/missing/); // staging has no value and there is no default
    await screenshot('secrets.png');
    await page.goto(`${ui.origin}/secrets?q=nothing_like_it`);
    expect(await page.locator('main').innerText()).toContain('No secret matches these filters');
    await page.goto(`${ui.origin}/secrets?env=staging`);
    expect(await page.locator('main').innerText()).toContain('No secret matches these filters');
  });

  it('edits its hosts; value fields are empty and blank keeps the values', async () => {
    await page.goto(`${ui.origin}/secrets/${NAME}/edit`);
    for (const field of await page.locator('input[type="password"]').all()) {
      expect(await field.getAttribute('value')).toBeNull();
      expect(await field.inputValue()).toBe('');
    }
    await page.fill('textarea[name="hosts"]', 'api.example.com\nuploads.example.com');
    await screenshot('edit.png');
    await Promise.all([page.waitForURL(`${ui.origin}/secrets/${NAME}?ok=saved`), page.click('button[type="submit"]:text("Save")')]);
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('uploads.example.com');
    expect(facts).toContain('development, production');
    await expectNoValueAnywhere('after edit');
    // The change is on the trail under the login, never the cookie.
    const trail = runCli(['audit', '--secret', NAME, '--json'], { env: t.env });
    const principals = (JSON.parse(trail.stdout) as Array<{ principal: string; action: string }>).map((e) => e.principal);
    expect(principals.length).toBeGreaterThanOrEqual(2);
    for (const p of principals) expect(p).toMatch(/^ui:[0-9a-f]{12}$/);
  });

  it('deletes it after a confirmation that lists the task and token using it and its last use', async () => {
    mkdirSync(join(t.home, 'tasks'), { recursive: true });
    writeFileSync(
      join(t.home, 'tasks', 'page-read.yaml'),
      `name: page-read\ndescription: Read the page API.\nsteps:\n  - kind: http\n    method: GET\n    url: https://api.example.com/v1/things\n    secret_name: ${NAME}\n`,
    );
    let dialog = '';
    for (let i = 0; i < 50 && !dialog.includes('page-read'); i++) {
      await page.goto(`${ui.origin}/secrets/${NAME}/delete`);
      dialog = await page.locator('.confirm').innerText();
      if (!dialog.includes('page-read')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(dialog).toContain('page-read (page-read.yaml)');
    expect(dialog).toContain('page-bot');
    expect(dialog).toContain('Last used: never');
    expect(dialog).toContain('It is in use');
    await screenshot('delete.png');
    // The in-use box must be ticked: the browser refuses to send the form without it.
    await page.click('button:text("Delete PAGE_API_KEY")');
    expect(page.url()).toBe(`${ui.origin}/secrets/${NAME}/delete`);
    await page.check('input[name="force"]');
    await Promise.all([page.waitForURL(`${ui.origin}/secrets?ok=deleted`), page.click('button:text("Delete PAGE_API_KEY")')]);
    expect(await page.locator('main').innerText()).not.toContain(NAME);
    await expectNoValueAnywhere('after delete');
  });

  it('shows the audit trail with verify, suspensions and tokens', async () => {
    await page.goto(`${ui.origin}/audit`);
    expect(await page.locator('.verify').innerText()).toMatch(/^verify: ok/);
    expect(await page.locator('table.audit').innerText()).toContain('secret.delete');
    await screenshot('audit.png');
    await page.goto(`${ui.origin}/suspensions`);
    expect(await page.locator('main').innerText()).toContain('No principal is suspended');
    await page.goto(`${ui.origin}/tokens`);
    await page.fill('.token-form input[name="name"]', 'page-made');
    await page.fill('.token-form textarea[name="secrets"]', 'PAGE_*');
    await page.click('button:text("Create token")');
    const shown = await page.locator('#new-token').inputValue();
    expect(shown).toMatch(/^bf_agt_[A-Za-z0-9_-]{43}$/);
    await page.goto(`${ui.origin}/tokens`);
    expect(await page.content()).not.toContain(shown);
    await screenshot('tokens.png');
    await Promise.all([page.waitForURL(`${ui.origin}/tokens?ok=revoked`), page.locator('tr', { hasText: 'page-made' }).locator('button:text("Revoke")').click()]);
    expect(await page.locator('table.tokens').innerText()).not.toContain('page-made');
  });

  it('refuses a forged cross-site form post', async () => {
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<form method="post" action="${ui.origin}/secrets"><input name="_csrf" value="guess"><input name="name" value="FORGED_KEY">` +
          `<input name="value:development" value="forged-value-${randomBytes(12).toString('hex')}"><button id="go">go</button></form>`,
      );
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    // localhost and 127.0.0.1 are different sites.
    await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
    const [response] = await Promise.all([page.waitForResponse(`${ui.origin}/secrets`), page.click('#go')]);
    expect(response.status()).toBe(403);
    const check = await page.goto(`${ui.origin}/secrets/FORGED_KEY`);
    expect(check?.status()).toBe(404);
  });

  it('refuses raw POSTs without the CSRF token, with a wrong one, or from a foreign Origin', async () => {
    const { cookie, csrf } = await loginCookieAndCsrf();
    const post = (body: string, headers: Record<string, string>) =>
      rawRequest(`${ui.origin}/tokens`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    const self = { origin: ui.origin };
    expect((await post('name=raw-a', self)).status).toBe(403);
    expect((await post(`_csrf=${csrf.slice(0, -2)}xx&name=raw-b`, self)).status).toBe(403);
    expect((await post(`_csrf=${csrf}&name=raw-c`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(`_csrf=${csrf}&name=raw-d`, { origin: 'null' })).status).toBe(403);
    expect((await post(`_csrf=${csrf}&name=raw-e`, { 'sec-fetch-site': 'cross-site', origin: 'null' })).status).toBe(403);
    expect((await post(`_csrf=${csrf}&name=raw-f`, {})).status).toBe(403);
    // The same request with the token and this page's Origin goes through: the refusals above were the guards.
    const control = await post(`_csrf=${csrf}&name=raw-ok`, self);
    expect(control.status).toBe(200);
    expect(control.body).toContain('Token raw-ok created');
    // A value pasted into a filter is neither used nor repeated in the page.
    for (const path of ['/secrets?q=', '/secrets?host=', '/audit?principal=']) {
      const r = await rawRequest(`${ui.origin}${path}${encodeURIComponent(DEV_VALUE)}`, { method: 'GET', headers: { cookie } });
      expect(r.status).toBe(200);
      expect(r.body).toContain('neither used nor repeated');
      expectNoTrace(r.body, VALUES, `filter ${path}`);
    }
    const names = (JSON.parse(runCli(['token', 'list', '--json'], { env: t.env }).stdout) as { tokens: Array<{ name: string }> }).tokens.map((x) => x.name);
    expect(names.filter((n) => n.startsWith('raw-'))).toEqual(['raw-ok']);
  });

  it('refuses a request whose Host is not this server (DNS rebinding)', async () => {
    const port = new URL(ui.origin).port;
    for (const host of ['evil.example', `attacker.test:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const r = await rawRequest(`${ui.origin}/secrets`, { method: 'GET', headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.headers['content-security-policy']).toBe(CSP);
    }
    const login = await rawRequest(ui.loginUrls().at(-1)!, { method: 'GET', headers: { host: 'evil.example' } });
    expect(login.status).toBe(403);
    // The right Host gets past the check (and, with no cookie, to the login notice).
    expect((await rawRequest(`${ui.origin}/secrets`, { method: 'GET' })).status).toBe(401);
  });

  it('blocks an injected inline script by its Content-Security-Policy', async () => {
    const response = await page.goto(`${ui.origin}/secrets`);
    const headers = await response!.allHeaders();
    expect(headers['content-security-policy']).toBe(CSP);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    const console: string[] = [];
    page.on('console', (m) => console.push(m.text()));
    await page.evaluate("window.violations = []; document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective))");
    await page.addScriptTag({ content: 'window.injectedRan = true;' }).catch(() => undefined);
    await page.waitForFunction('window.violations.length > 0');
    expect(await page.evaluate<boolean>("window.injectedRan === undefined")).toBe(true);
    expect(await page.evaluate<string[]>('window.violations')).toContain('script-src-elem');
    expect(console.join('\n')).toMatch(/Content Security Policy/);
  });

  it('logs out: the session is dead afterwards', async () => {
    await page.goto(`${ui.origin}/secrets`);
    await page.click('button:text("Log out")');
    expect(await page.locator('h1').textContent()).toBe('Logged out');
    const after = await page.goto(`${ui.origin}/secrets`);
    expect(after?.status()).toBe(401);
  });

  it('leaves no value in the server output or the home folder', async () => {
    await expectNoValueAnywhere('at the end');
    expectNoTrace(ui.stderr(), VALUES, 'blindfold ui output');
    expect(filesContaining(t.home, VALUES)).toEqual([]);
  });
});
