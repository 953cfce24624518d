// tools/list_changed over stdio with the SDK's real Client: one notification per real change to the
// set of task tools, none for a file event that changes nothing. Quiescence is waited for by events
// (a reload seen on stderr, a ping round trip), never by a sleep followed by a negative assertion.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';

let t: TempHome;
let stub: Stub;
let session: StdioSession;
let tasksDir: string;
let notified = 0;

const task = (name: string) =>
  `name: ${name}\ndescription: Read the stub.\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: KEY\n`;

/**
 * A file the loader refuses (it names a missing secret): every reload warns about it on stderr,
 * which lets a test see that a reload has happened.
 */
const BROKEN = 'zz-broken.yaml';
const reloads = () => session.stderr().split(BROKEN).length - 1;

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The server writes a reload's notifications to stdout before it can answer a ping sent after
 * that reload, and the client reads stdout in order: after the ping, every one has been counted.
 */
async function settle(): Promise<void> {
  await session.client.ping();
}

const toolNames = async () => (await session.client.listTools()).tools.map((x) => x.name);

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  tasksDir = join(t.home, 'tasks');
  await seedSecret(t.env, 'KEY', 'notify-key-Value-8Jd3Kf7Lq2', '--host', stub.origin);
  mkdirSync(tasksDir, { recursive: true });
  writeFileSync(join(tasksDir, 'first.yaml'), task('first_task'));
  writeFileSync(join(tasksDir, BROKEN), `name: broken\ndescription: x\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: NO_SUCH_SECRET\n`);
  session = await connectStdio(t.env);
  session.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
    notified++;
  });
  await until(() => reloads() >= 1, 'the first load');
});

afterAll(async () => {
  await session?.close();
  await stub?.close();
  t?.cleanup();
});

describe('tools/list_changed', () => {
  it('a new task file yields exactly one notification', async () => {
    const before = notified;
    writeFileSync(join(tasksDir, 'second.yaml'), task('second_task'));
    await until(() => notified > before, 'a notification');
    await settle();
    expect(await toolNames()).toContain('second_task');
    expect(notified - before).toBe(1);
  });

  it('touching an existing task file yields none', async () => {
    const before = notified;
    const seen = reloads();
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(tasksDir, 'first.yaml'), later, later);
    // The touch is a .yaml event, so the folder is reloaded; that reload must change nothing.
    await until(() => reloads() > seen, 'the reload after the touch');
    await settle();
    expect(notified - before).toBe(0);
  });

  it('a notes.txt yields none (only the next real change is announced, once)', async () => {
    const before = notified;
    writeFileSync(join(tasksDir, 'notes.txt'), 'not a task\n');
    // A real change after it: its one notification must be the only one since `before`.
    writeFileSync(join(tasksDir, 'third.yml'), task('third_task'));
    await until(async () => (await toolNames()).includes('third_task'), 'the third task');
    await until(() => notified > before, 'a notification');
    await settle();
    expect(notified - before).toBe(1);
  });
});
