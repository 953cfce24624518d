// Issue 23 across real processes: `blindfold serve` (stdio, the built CLI) and `blindfold ui` (its
// own process) on one home. The page says where it listens in the vault's state; the server links
// its agent's request there; the human answers in headless Chromium; the server, polling, sees the
// secret the other process saved, and uses it. Once the page has stopped, the tool says to run it.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { launchChromium, startUiProcess, type UiProcess } from '../helpers/ui.js';

const VALUE = `sk_proc_${randomBytes(20).toString('hex')}`;
let t: TempHome;
let stub: Stub;
let ui: UiProcess;
let session: StdioSession;
let browser: Browser;

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  stub = await startStub();
  ui = await startUiProcess(t.env);
  session = await connectStdio(t.env);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await session?.close();
  await ui?.stop();
  await stub?.close();
  t?.cleanup();
});

describe('request_secret between a stdio server and blindfold ui', () => {
  it('the stdio server links to the running page; the human saves there; the server sees it and uses it', async () => {
    const first = await session.call('request_secret', { name: 'PROC_KEY', reason: 'to call the stub', hosts: [stub.origin] });
    const answer = first.structuredContent as { status: string; id: string; link: string };
    expect(answer.status).toBe('pending');
    expect(answer.link).toBe(`${ui.origin}/requests/${answer.id}`);
    const page = await (await browser.newContext()).newPage();
    await page.goto(ui.loginUrls()[0]!);
    await page.goto(answer.link);
    await page.check(`input[name=hosts][value="${stub.origin}"]`);
    await page.fill('input[name=value]', VALUE);
    await page.click('button[type=submit]:has-text("Save")');
    await page.waitForURL(/\/requests\?ok=provided$/);
    const polled = await session.call('request_secret', { id: answer.id });
    expect(polled.structuredContent).toMatchObject({ status: 'saved', exists: true });
    const used = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { authorization: 'Bearer <secrets.PROC_KEY>' } });
    expect(used.isError).toBeFalsy();
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VALUE}`);
    expectNoTrace(visible(first) + visible(polled) + visible(used), [VALUE], 'MCP results');
  });

  it('once the page has stopped, the tool says to run blindfold ui', async () => {
    await ui.stop();
    const r = await session.call('request_secret', { name: 'PROC_OTHER', reason: 'later' });
    expect(r.structuredContent).toMatchObject({ status: 'pending' });
    expect((r.structuredContent as { link?: string }).link).toBeUndefined();
    expect(visible(r)).toContain('blindfold ui');
  });
});
