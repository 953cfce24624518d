// Fifth red team, team server task scopes (README promise 13: "a secret or task outside it is as if
// it did not exist"; "Task files": "a change that adds, removes or alters a task tool sends MCP
// clients one notifications/tools/list_changed; touching a file, saving it unchanged, or other
// files … send none").
//
// The attack: every session re-registers its task tools whenever the loaded set changes
// (src/mcp/tools/tasks.ts registerTasks: remove all, register the in-scope ones again), and the SDK
// announces each removal/registration. So a token scoped to alpha-* tasks that holds at least one
// task tool is told `tools/list_changed` when ANOTHER team's task file (beta-*, outside its scope,
// using a secret outside its scope) is added, edited or removed — though its own tool list is
// unchanged. It watches other teams' task folder activity as it happens. The safe behaviour: a
// change that does not alter this session's own tools sends it nothing.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';

const ALPHA = `rt5-alpha-${randomBytes(16).toString('hex')}`;
const BETA = `rt5-beta-${randomBytes(16).toString('hex')}`;

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
let token = '';
let session: HttpSession;
let changes = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const task = (name: string, secret: string, path: string) =>
  `name: ${name}\ndescription: Read ${path} with ${secret}.\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/${path}\n    secret_name: ${secret}\n`;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'ALPHA_KEY', ALPHA, '--host', stub.origin);
  await seedSecret(t.env, 'BETA_KEY', BETA, '--host', stub.origin);
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(join(t.home, 'tasks', 'alpha-read.yaml'), task('alpha-read', 'ALPHA_KEY', 'a'));
  const r = runCli(['token', 'create', 'alpha', '--secrets', 'ALPHA_*', '--tasks', 'alpha-*'], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  token = r.stdout.trim();
  server = await startHttpServer(t.env);
  session = await connectHttp(server.url, token, 'rt5-alpha');
  session.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  expect((await session.client.listTools()).tools.map((x) => x.name)).toContain('alpha-read');
}, 60_000);

afterAll(async () => {
  await session?.close().catch(() => {});
  await server?.stop();
  await stub?.close();
  t?.cleanup();
});

describe('redteam5: another team\'s task files are not announced to a scoped token', () => {
  it('adding and editing a beta-* task sends the alpha token no tools/list_changed, its tools unchanged', async () => {
    const before = (await session.client.listTools()).tools.map((x) => x.name).sort();
    changes = 0;
    writeFileSync(join(t.home, 'tasks', 'beta-deploy.yaml'), task('beta-deploy', 'BETA_KEY', 'b'));
    await sleep(1500);
    writeFileSync(join(t.home, 'tasks', 'beta-deploy.yaml'), task('beta-deploy', 'BETA_KEY', 'b2'));
    await sleep(1500);
    const after = (await session.client.listTools()).tools.map((x) => x.name).sort();
    expect(after).toEqual(before);
    expect(changes, 'the scoped session was told of another team\'s task changes').toBe(0);
  });

  it('control: a change to its own alpha-* tasks is announced', async () => {
    changes = 0;
    writeFileSync(join(t.home, 'tasks', 'alpha-write.yaml'), task('alpha-write', 'ALPHA_KEY', 'w'));
    for (let i = 0; i < 40 && changes === 0; i++) await sleep(100);
    expect(changes).toBeGreaterThan(0);
  });
});
