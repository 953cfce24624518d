// Issue 23: the admin page on the team server (`serve --http`), under /ui, in a real headless
// Chromium. Only a token created with --admin logs in (an agent token is refused like an unknown
// one); a request_secret made over /mcp links to this server's /ui, and the human answers it there.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { launchChromium } from '../helpers/ui.js';

const VALUE = `sk_team_${randomBytes(20).toString('hex')}`;
let t: TempHome;
let server: HttpServerProcess;
let stub: Stub;
let origin: string;
let browser: Browser;
let page: Page;
const tokens: Record<string, string> = {};

function createToken(name: string, ...flags: string[]): void {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  tokens[name] = r.stdout.trim();
}

async function logIn(token: string): Promise<number> {
  await page.goto(`${origin}/ui/login`);
  await page.fill('input[name=token]', token);
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
  return response.status();
}

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  createToken('agent', '--secrets', 'TEAM_*');
  createToken('boss', '--admin');
  stub = await startStub();
  server = await startHttpServer(t.env);
  origin = new URL(server.url).origin;
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await stub?.close();
  t?.cleanup();
});

describe('/ui on the team server', () => {
  it('refuses an agent token and an unknown one with the same page; the page is served with its guards', async () => {
    expect(await logIn(tokens.agent!)).toBe(403);
    const agentText = await page.locator('main').innerText();
    expect(await logIn(`bf_agt_${randomBytes(32).toString('base64url')}`)).toBe(403);
    expect(await page.locator('main').innerText()).toBe(agentText);
    const r = await rawRequest(`${origin}/ui/secrets`, { method: 'GET' });
    expect(r.status).toBe(401);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await rawRequest(`${origin}/ui/secrets`, { method: 'GET', headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it("an admin token logs in; links and the cookie stay under the session's own path, /ui/k/<key>", async () => {
    expect(await logIn(tokens.boss!)).toBe(303);
    await page.waitForURL(/\/ui\/k\/[A-Za-z0-9_-]{22}\/secrets$/);
    const own = /^\/ui\/k\/[A-Za-z0-9_-]{22}/.exec(new URL(page.url()).pathname)![0];
    expect(await page.locator(`nav a[href="${own}/requests"]`).count()).toBe(1);
    const cookies = await page.context().cookies();
    expect(cookies.length).toBeGreaterThan(0);
    expect(cookies.every((c) => c.path === own && c.httpOnly && c.sameSite === 'Strict')).toBe(true);
  });

  it('a page on another port of this host (an agent\'s dev server) is never sent the session cookie', async () => {
    // What a browser does: a host's cookies go to every port of it, SameSite=Strict included (ports
    // are one site). A cookie under /ui would reach this server's /ui/…; one under the session's
    // own path reaches no URL the agent can name.
    const seen: string[] = [];
    const spy = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.cookie ?? ''}`);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(req.url === '/' ? `<img src="/ui/secrets"><img src="/ui/"><img src="/ui/k/x/secrets"><img src="/ui/login">` : '');
    });
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    try {
      const spyOrigin = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
      const other = await page.context().newPage();
      await other.goto(`${spyOrigin}/`);
      for (let i = 0; i < 100 && seen.length < 6; i++) await new Promise((r) => setTimeout(r, 50));
      await other.close();
      // The page and its four images (and perhaps a favicon), each asked with this host's cookies.
      for (const path of ['/ui/secrets', '/ui/', '/ui/k/x/secrets', '/ui/login']) expect(seen.some((line) => line.startsWith(`${path} `)), path).toBe(true);
      expect(seen.filter((line) => line.includes('bf_ui_'))).toEqual([]);
      // The browser does hold the cookie, and sends it on its own path.
      expect((await page.context().cookies()).some((c) => c.name.startsWith('bf_ui_'))).toBe(true);
      expect((await page.goto(page.url()))!.status()).toBe(200);
    } finally {
      spy.closeAllConnections();
      await new Promise((resolve) => spy.close(resolve));
    }
  });

  it('request_secret over /mcp links to this server\'s /ui; the admin saves there; the agent uses the value; logout ends the session', async () => {
    const session = await connectHttp(server.url, tokens.agent!);
    const first = await session.call('request_secret', { name: 'TEAM_KEY', reason: 'to call the stub', hosts: [stub.origin] });
    const answer = first.structuredContent as { status: string; id: string; link: string };
    expect(answer.status).toBe('pending');
    expect(answer.link).toBe(`${origin}/ui/requests/${answer.id}`);
    await page.goto(answer.link);
    await page.check(`input[name=hosts][value="${stub.origin}"]`);
    await page.fill('input[name=value]', VALUE);
    await page.click('button[type=submit]:has-text("Save")');
    // The link has no session key: this origin's page opens it in the live session (app.js).
    await page.waitForURL(/\/ui\/k\/[A-Za-z0-9_-]{22}\/requests\?ok=provided$/);
    const polled = await session.call('request_secret', { id: answer.id });
    expect(polled.structuredContent).toMatchObject({ status: 'saved', exists: true });
    const used = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { authorization: 'Bearer <secrets.TEAM_KEY>' } });
    expect(used.isError).toBeFalsy();
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VALUE}`);
    expectNoTrace(JSON.stringify([first, polled, used]), [VALUE], 'MCP results');
    await session.close();
    await page.click('button:has-text("Log out")');
    expect((await page.goto(`${origin}/ui/secrets`))!.status()).toBe(401);
  });

  it('over Streamable HTTP, a client that declares URL elicitation is sent the /ui link on the call\'s own stream', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${tokens.agent}` } } });
    const client = new Client({ name: 'elicit-test', version: '1.0.0' }, { capabilities: { elicitation: { url: {} } } });
    const seen: Array<{ url?: string; elicitationId?: string }> = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      seen.push(request.params as { url?: string; elicitationId?: string });
      return { action: 'accept' };
    });
    await client.connect(transport);
    const r = (await client.callTool({ name: 'request_secret', arguments: { name: 'TEAM_OTHER', reason: 'elicitation over HTTP' } })) as CallToolResult;
    const answer = r.structuredContent as { id: string; link: string; elicited: boolean };
    expect(seen).toEqual([expect.objectContaining({ url: `${origin}/ui/requests/${answer.id}`, elicitationId: answer.id })]);
    expect(answer.elicited).toBe(true);
    await client.close();
  });

  it('logins (refused and accepted), the save and the logout are on the audit trail as ui:<login id>, no token or value in it', () => {
    const audit = readFileSync(`${t.home}/audit.jsonl`, 'utf8');
    expect(audit).toMatch(/"action":"ui\.login","principal":"ui:[0-9a-f]{12}"/);
    expect(audit).toMatch(/"action":"ui\.logout"/);
    expect(audit).toMatch(/"action":"secret\.provided","principal":"ui:[0-9a-f]{12}"/);
    expect(audit).toMatch(/"action":"auth\.denied","principal":"ui"/);
    expectNoTrace(audit, [VALUE, ...Object.values(tokens)], 'audit trail');
    expectNoTrace(server.stderr(), [VALUE, ...Object.values(tokens)], 'server output');
  });
});
