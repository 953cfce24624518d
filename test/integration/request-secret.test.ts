// Issue 23: `request_secret` over the real MCP SDK Client, answered by a human in a real headless
// Chromium on the admin page. Two cores on one home, as a stdio server and `blindfold ui` are two
// processes of it: the agent's core asks, the page's core (its own vault object, its own state
// cell) lists and settles, so the request crosses through the vault's state. One client declares
// URL elicitation and is sent the link; one does not and polls. Every message either way is
// recorded, and no spelling of a value entered on the page may be in it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { createServer } from '../../src/mcp/server.js';
import { assembleBlindfold, type Blindfold } from '../../src/open.js';
import type { AuditTrail } from '../../src/audit/trail.js';
import { startUi, type RunningUi } from '../../src/ui/server.js';
import { Vault } from '../../src/vault/vault.js';
import { REPO, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret, seedVault } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { launchChromium } from '../helpers/ui.js';

const VALUE_A = `sk_live_${randomBytes(20).toString('hex')}`;
const VALUE_B = `ghp_${randomBytes(20).toString('base64url')}`;
const THERE_VALUE = `sk_there_${randomBytes(16).toString('hex')}`;
const VALUES = [VALUE_A, VALUE_B, THERE_VALUE];

let t: TempHome;
let stub: Stub;
let agentCore: Blindfold;
let pageCore: Blindfold;
let shortCore: Blindfold;
let ui: RunningUi;
let withdraw: () => Promise<void>;
let browser: Browser;
let page: Page;
/** Every JSON-RPC message of every session, both ways. */
const transcript: string[] = [];

async function openCore(limits: { ttlMs?: number; waitMs?: number; maxPending?: number }, trail?: (t: AuditTrail) => void): Promise<Blindfold> {
  const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
  return assembleBlindfold(vault, { principal: { id: 'stdio:test', env: 'development' }, requestLimits: { waitMs: 300, ...limits }, ...(trail ? { withAuditTrail: trail } : {}) });
}

interface Session {
  client: Client;
  elicited: Array<{ url?: string; elicitationId?: string; mode?: string }>;
  call(args: Record<string, unknown>, tool?: string): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** The real SDK Client over linked in-memory transports, every message recorded. */
async function connect(handle: Blindfold, urlElicitation: boolean): Promise<Session> {
  const server = createServer(handle);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  for (const side of [clientSide, serverSide]) {
    const send = side.send.bind(side);
    side.send = async (message, options) => {
      transcript.push(JSON.stringify(message));
      return send(message, options);
    };
  }
  await server.connect(serverSide);
  const client = new Client({ name: 'rs-test', version: '1.0.0' }, { capabilities: urlElicitation ? { elicitation: { url: {} } } : {} });
  const elicited: Session['elicited'] = [];
  if (urlElicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicited.push(request.params as Session['elicited'][number]);
      return { action: 'accept' };
    });
  }
  await client.connect(clientSide);
  return {
    client,
    elicited,
    call: async (args, tool = 'request_secret') => (await client.callTool({ name: tool, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

const structured = (r: CallToolResult) => r.structuredContent as { status: string; exists: boolean; id?: string; link?: string; elicited?: boolean };
const text = (r: CallToolResult) => (r.content as Array<{ text: string }>).map((c) => c.text).join('\n');

/** The human: opens the link (logged in already), ticks the stub's host, enters the value, saves. */
async function completeForm(link: string, value: string, screenshot?: string): Promise<void> {
  await page.goto(link);
  // Into docs/screenshots with `npm run screenshots` only (see ui-browser.test.ts).
  if (screenshot) await page.screenshot({ ...(process.env.BLINDFOLD_SCREENSHOTS ? { path: join(REPO, 'docs/screenshots', screenshot) } : {}), fullPage: true });
  expect(await page.locator('blockquote.agent-reason').innerText()).toContain('<b>need it</b>');
  expect(await page.locator('.untrusted-label').innerText()).toContain('untrusted');
  // Proposed hosts are never pre-accepted; the look-alike shows its registrable domain apart.
  const boxes = page.locator('input[name=hosts]');
  expect(await boxes.count()).toBe(2);
  for (let i = 0; i < 2; i++) expect(await boxes.nth(i).isChecked()).toBe(false);
  expect(await page.locator('.registrable strong').allInnerTexts()).toContain('evil.example');
  await page.check(`input[name=hosts][value="${stub.origin}"]`);
  await page.fill('input[name=value]', value);
  await page.click('button[type=submit]:has-text("Save")');
  await page.waitForURL(/\/requests\?ok=provided$/);
  // After the save: no spelling of the value in the page, its fields or its source.
  const fieldValues = await page.evaluate<string>("[...document.querySelectorAll('input, textarea')].map((i) => i.value).join('\\n')");
  expectNoTrace(`${await page.content()}\n${fieldValues}`, VALUES, 'requests page after save');
}

beforeAll(async () => {
  t = tempHome();
  await seedVault(t.env, []);
  await seedSecret(t.env, 'OTHER_EXISTING', `sk_other_${randomBytes(16).toString('hex')}`, '--host', 'api.example.com');
  await seedSecret(t.env, 'AGENT_THERE', THERE_VALUE, '--host', 'api.example.com');
  stub = await startStub();
  agentCore = await openCore({});
  shortCore = await openCore({ ttlMs: 800, waitMs: 20, maxPending: 2 });
  let trail: AuditTrail | undefined;
  pageCore = await openCore({}, (x) => (trail = x));
  ui = await startUi({
    backend: { admin: (p) => pageCore.as({ principal: p }).admin, trail: trail!, tasks: () => pageCore.tasks(), env: 'development', requests: pageCore.secretRequests },
    host: '127.0.0.1',
    port: 0,
  });
  withdraw = await pageCore.secretRequests.advertise(ui.origin);
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
  await page.goto(ui.loginUrl());
  await page.waitForURL(/\/secrets$/);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.shutdown();
  for (const core of [agentCore, shortCore, pageCore]) await core?.close();
  await stub?.close();
  t?.cleanup();
});

const agent = () => agentCore.as({ principal: 'token:agent', secrets: ['AGENT_*'] });
const ask = (name: string) => ({ name, reason: 'I <b>need it</b> to call the API', hosts: [stub.origin, 'api.github.com.evil.example'] });

describe('request_secret', () => {
  it('a client with URL elicitation is sent the page link; the human saves on the page; the agent learns only that it exists and uses it', async () => {
    const s = await connect(agent(), true);
    const first = await s.call(ask('AGENT_ELICITED'));
    const answer = structured(first);
    expect(answer.status).toBe('pending');
    expect(answer.link).toBe(`${ui.origin}/requests/${answer.id}`);
    expect(text(first)).toContain(answer.link);
    expect(s.elicited).toEqual([expect.objectContaining({ mode: 'url', url: answer.link, elicitationId: answer.id })]);
    expect(answer.elicited).toBe(true);
    await completeForm(answer.link!, VALUE_A, 'request.png');
    const polled = await s.call({ id: answer.id });
    expect(structured(polled)).toMatchObject({ status: 'saved', exists: true });
    const used = await s.call({ method: 'GET', url: `${stub.url}/echo`, headers: { authorization: 'Bearer <secrets.AGENT_ELICITED>' } }, 'http_request');
    expect(used.isError).toBeFalsy();
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VALUE_A}`);
    await s.close();
  });

  it('a client without URL elicitation gets the link and the id, and polls', async () => {
    const s = await connect(agent(), false);
    const first = await s.call(ask('AGENT_POLLED'));
    const answer = structured(first);
    expect(answer).toMatchObject({ status: 'pending', elicited: false });
    expect(text(first)).toContain(answer.id);
    expect(text(first)).toContain(`${ui.origin}/requests/${answer.id}`);
    expect(s.elicited).toEqual([]);
    expect(structured(await s.call({ id: answer.id }))).toMatchObject({ status: 'pending', exists: false });
    await page.goto(`${ui.origin}/requests`);
    expect(await page.locator(`a[href="/requests/${answer.id}"]`).innerText()).toBe('AGENT_POLLED');
    await completeForm(answer.link!, VALUE_B);
    expect(structured(await s.call({ id: answer.id }))).toMatchObject({ status: 'saved', exists: true });
    const used = await s.call({ method: 'GET', url: `${stub.url}/echo`, headers: { authorization: 'Bearer <secrets.AGENT_POLLED>' } }, 'http_request');
    expect(used.isError).toBeFalsy();
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VALUE_B}`);
    await s.close();
  });

  it('a host the agent did not propose cannot be smuggled in as a ticked box; a declined request answers declined, and nothing is created', async () => {
    const s = await connect(agent(), false);
    const answer = structured(await s.call(ask('AGENT_DECLINED')));
    await page.goto(answer.link!);
    // A host that was not proposed, smuggled in as a ticked box, is not accepted: only typed hosts are.
    await page.evaluate("(() => { const box = document.querySelector('input[name=hosts]'); box.value = 'attacker.example'; box.checked = true; })()");
    await page.fill('input[name=value]', VALUE_B);
    await page.click('button[type=submit]:has-text("Save")');
    expect(await page.locator('p.error').innerText()).toContain('at least one host');
    expect(await page.locator('input[name=value]').inputValue()).toBe('');
    await page.click('button:has-text("Decline this request")');
    await page.waitForURL(/\/requests\?ok=declined$/);
    expect(structured(await s.call({ id: answer.id }))).toMatchObject({ status: 'declined', exists: false });
    expect((await agent().listSecrets()).map((x) => x.name)).not.toContain('AGENT_DECLINED');
    await s.close();
  });

  it('a request past its time answers expired, and the page shows no form for it', async () => {
    const s = await connect(shortCore.as({ principal: 'token:agent', secrets: ['AGENT_*'] }), false);
    const answer = structured(await s.call(ask('AGENT_LATE')));
    expect(answer.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 1000));
    expect(structured(await s.call({ id: answer.id }))).toMatchObject({ status: 'expired', exists: false });
    await page.goto(answer.link!);
    expect(await page.locator('input[name=value]').count()).toBe(0);
    await s.close();
  });

  it('an id polls only for the principal that made it: another gets the answer of an unknown id', async () => {
    const s = await connect(agent(), false);
    const answer = structured(await s.call(ask('AGENT_MINE')));
    const other = await connect(agentCore.as({ principal: 'token:other', secrets: ['AGENT_*'] }), false);
    const theirs = await other.call({ id: answer.id });
    const unknown = await other.call({ id: 'x'.repeat(24) });
    expect(theirs.isError).toBe(true);
    expect(text(theirs)).toContain('REQUEST_NOT_FOUND');
    expect(text(theirs)).toBe(text(unknown));
    await s.close();
    await other.close();
  });

  it('a name outside the scope is refused in the same words whether it exists or not; one in scope that exists is said to exist', async () => {
    const s = await connect(agent(), false);
    const existing = await s.call(ask('OTHER_EXISTING'));
    const missing = await s.call(ask('OTHER_MISSING'));
    expect(existing.isError).toBe(true);
    expect(text(existing).replace('OTHER_EXISTING', 'N')).toBe(text(missing).replace('OTHER_MISSING', 'N'));
    expect(structured(await s.call(ask('AGENT_THERE')))).toMatchObject({ status: 'exists', exists: true });
    await s.close();
  });

  it('a value in the reason trips the wire (promise 4a): refused, the principal suspended, nothing stored', async () => {
    const guesser = agentCore.as({ principal: 'token:guesser', secrets: ['AGENT_*'] });
    const s = await connect(guesser, false);
    const r = await s.call({ name: 'AGENT_GUESS', reason: `maybe it is ${THERE_VALUE}` });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('suspended');
    expect((await pageCore.secretRequests.list()).filter((x) => x.principal === 'token:guesser')).toEqual([]);
    // The suspension lands in the home's state after the refusal; the page's process sees it there.
    let suspended: string[] = [];
    for (let i = 0; i < 40 && !suspended.includes('token:guesser'); i++) {
      await new Promise((res) => setTimeout(res, 50));
      suspended = (await pageCore.as({ principal: 'cli:test' }).admin.suspended()).map((x) => x.principal);
    }
    expect(suspended).toContain('token:guesser');
    await s.close();
  });

  it('pending requests are limited per principal', async () => {
    const s = await connect(shortCore.as({ principal: 'token:limited', secrets: ['AGENT_*'] }), false);
    expect(structured(await s.call(ask('AGENT_L1'))).status).toBe('pending');
    expect(structured(await s.call(ask('AGENT_L2'))).status).toBe('pending');
    const third = await s.call(ask('AGENT_L3'));
    expect(third.isError).toBe(true);
    expect(text(third)).toContain('RATE_LIMITED');
    await s.close();
  });

  it('with no page running, the tool says to run `blindfold ui`', async () => {
    await withdraw();
    const s = await connect(agent(), true);
    const first = await s.call(ask('AGENT_NOPAGE'));
    expect(structured(first).link).toBeUndefined();
    expect(text(first)).toContain('blindfold ui');
    expect(s.elicited).toEqual([]);
    await s.close();
    withdraw = await pageCore.secretRequests.advertise(ui.origin);
  });

  it('no spelling of a value entered on the page is in any MCP message', () => {
    expect(transcript.length).toBeGreaterThan(20);
    expectNoTrace(transcript.join('\n'), [VALUE_A, VALUE_B], 'MCP transcript');
  });
});
