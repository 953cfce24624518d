// Task files served as MCP tools, driven over stdio by the SDK's real Client against the loopback
// stub; plus `blindfold run` as a child process (`tasks check` is in tasks-check.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';
import { VERSION } from '../../src/version.js';

const GH_VALUE = 'ghp_task+Value/with=Odd&Chars"<9f8e7d6c';
const KEY_VALUE = 'xkey-Task-7Hq2Lm9Vb4Nc1Zx8Rt5Wy3';
const OTHER_VALUE = 'other-Secret-Value-4Kd8Jf2Hs6Lp0';
const VALUES = [GH_VALUE, KEY_VALUE, OTHER_VALUE];

let t: TempHome;
let stub: Stub;
let other: Stub;
let session: StdioSession;
let tasksDir: string;

/** Every spelling of every value used here (test/helpers/traces.ts). */
function hasNoValue(text: string): void {
  expectNoTrace(text, VALUES);
}

function writeTask(file: string, yaml: string): void {
  writeFileSync(join(tasksDir, file), yaml);
}

const createIssue = (origin: string) => `name: create_issue
description: Open an issue in a repository of the stub API.
inputs:
  type: object
  properties:
    repo: {type: string, description: "owner/name"}
    title: {type: string, maxLength: 100}
    labels: {type: array, items: {type: string}}
    draft: {type: boolean, default: false}
  required: [repo, title]
steps:
  - name: create
    kind: http
    method: POST
    url: ${origin}/echo?repo=<inputs.repo>
    secret_name: GH_PAT
    headers: {Accept: application/json, X-Title: "<inputs.title>", user-AGENT: acme-issues/1.0}
    json: {title: "<inputs.title>", labels: "<inputs.labels>", draft: "<inputs.draft>"}
output:
  status: <steps.create.status>
  echoed: <steps.create.json.body>
`;

const repoPath = (origin: string) => `name: get_repo
description: Read a repository by path (GET only).
inputs:
  type: object
  properties:
    repo: {type: string}
  required: [repo]
steps:
  - kind: tool_call
    tool: http
    secret_name: X_KEY
    arguments:
      method: GET
      url: ${origin}/repos/<inputs.repo>/info
      headers: {x-api-key: "agent-chosen-header-value"}
`;

beforeAll(async () => {
  stub = await startStub();
  other = await startStub();
  t = tempHome();
  tasksDir = join(t.home, 'tasks');
  const set = (name: string, value: string, ...flags: string[]) => seedSecret(t.env, name, value, ...flags);
  await set('GH_PAT', GH_VALUE, '--host', stub.origin);
  await set('X_KEY', KEY_VALUE, '--host', stub.origin, '--inject', 'header:x-api-key:{value}');
  await set('OTHER_KEY', OTHER_VALUE, '--host', other.origin);
  mkdirSync(tasksDir, { recursive: true });
  writeTask('create-issue.yaml', createIssue(stub.origin));
  writeTask('get-repo.yml', repoPath(stub.origin));
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await stub?.close();
  await other?.close();
  expect(filesContaining(t.home, VALUES)).toEqual([]);
  hasNoValue(session.stderr());
  t.cleanup();
});

describe('task files as MCP tools', () => {
  it('lists each task with an input schema derived from the file and annotations', async () => {
    const { tools } = await session.client.listTools();
    const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
    const create = byName.create_issue!;
    expect(create).toBeDefined();
    expect(create.inputSchema.required?.sort()).toEqual(['repo', 'title']);
    expect(create.inputSchema.properties).toMatchObject({
      repo: { type: 'string', description: 'owner/name' },
      title: { type: 'string', maxLength: 100 },
      labels: { type: 'array', items: { type: 'string' } },
      draft: { type: 'boolean', default: false },
    });
    expect(create.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(byName.get_repo!.annotations).toMatchObject({ readOnlyHint: true });
    expect(create.outputSchema).toBeDefined();
  });

  it('sends one request with the secret injected by its rule, typed JSON inputs, and a redacted result', async () => {
    stub.reset();
    const r = await session.call('create_issue', { repo: 'acme/api', title: 'Flaky <b>test</b>', labels: ['bug', 'ci'] });
    expectOutcome(r, { redacted: ['GH_PAT'] });
    expect(stub.requests).toHaveLength(1);
    const req = stub.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${GH_VALUE}`);
    expect(req.url).toBe('/echo?repo=acme%2Fapi');
    expect(JSON.parse(req.body)).toEqual({ title: 'Flaky <b>test</b>', labels: ['bug', 'ci'], draft: false });
    expect(req.headers['x-title']).toBe('Flaky <b>test</b>');
    // The task's User-Agent wins over blindfold's default, and is the only one sent.
    expect(req.rawHeaders.filter((_, i) => i % 2 === 1 && /^user-agent$/i.test(req.rawHeaders[i - 1]!))).toEqual(['acme-issues/1.0']);
    const sc = r.structuredContent as { ok: boolean; output: { status: number; echoed: string }; steps: Array<{ redacted: string[] }> };
    expect(sc.ok).toBe(true);
    expect(sc.output.status).toBe(200);
    expect(sc.steps[0]!.redacted).toContain('GH_PAT');
    hasNoValue(visible(r));
  });

  it('an injected header replaces the same header written in the step', async () => {
    stub.reset();
    const r = await session.call('get_repo', { repo: 'acme' });
    expectOutcome(r, { redacted: ['X_KEY'] });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.headers['x-api-key']).toBe(KEY_VALUE);
    expect(stub.requests[0]!.url).toBe('/repos/acme/info');
    expect(stub.requests[0]!.headers['user-agent']).toBe(`blindfold/${VERSION}`);
    hasNoValue(visible(r));
  });

  it('an input never becomes template syntax: <secrets.OTHER_KEY> in an input is sent as text', async () => {
    stub.reset();
    const r = await session.call('create_issue', { repo: '<secrets.OTHER_KEY>', title: '<secrets.GH_PAT> <<secrets.X_KEY>' });
    expectOutcome(r, { redacted: ['GH_PAT'] });
    const req = stub.requests[0]!;
    expect(req.body).toContain('<secrets.GH_PAT> <<secrets.X_KEY>');
    expect(req.url).toBe(`/echo?repo=${encodeURIComponent('<secrets.OTHER_KEY>')}`);
    expect(req.body).not.toContain(OTHER_VALUE);
    expect(req.body).not.toContain(KEY_VALUE);
    expect(req.body).not.toContain(GH_VALUE);
    hasNoValue(visible(r));
  });

  const moves = [
    '../admin',
    '..',
    '.',
    '%2e%2e',
    '..%2fadmin',
    '@127.0.0.2',
    `@127.0.0.1:OTHERPORT`,
    '//127.0.0.1:OTHERPORT/x',
    'http://127.0.0.1:OTHERPORT/',
    '\\\\127.0.0.1:OTHERPORT\\x',
    'a/../../../b',
    'a?x=1#frag',
    'a\r\nHost: 127.0.0.1:OTHERPORT',
    '%0d%0aX-Injected: 1',
    'a%2F..%2F..%2Fb',
  ];
  for (const raw of moves) {
    it(`an input crafted to move the request stays on the task's origin: ${JSON.stringify(raw)}`, async () => {
      const repo = raw.replace(/OTHERPORT/g, String(other.port));
      stub.reset();
      other.reset();
      const r = await session.call('get_repo', { repo });
      expect(other.requests).toHaveLength(0);
      expect(other.connections()).toBe(0);
      for (const req of stub.requests) {
        expect(req.url.startsWith('/repos/')).toBe(true);
        expect(req.url.endsWith('/info')).toBe(true);
        expect(req.headers['x-injected']).toBeUndefined();
      }
      // Sent on the task's origin (the stub echoes /repos/..., key and all), or refused before sending.
      expectOutcome(r, stub.requests.length > 0 ? { redacted: ['X_KEY'] } : { error: 'BAD_INPUT' });
      hasNoValue(visible(r));
    });
  }

  it('refuses a missing required input and sends nothing', async () => {
    stub.reset();
    const r = await session.call('create_issue', { repo: 'acme/api' });
    expect(r.isError).toBe(true);
    expect(visible(r)).toMatch(/title/);
    expect(stub.requests).toHaveLength(0);
  });

  it('a new task file becomes a new tool without a restart (tools/list_changed)', async () => {
    let notified = 0;
    session.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      notified++;
    });
    writeTask(
      'ping.yaml',
      `name: ping_stub\ndescription: Ping the stub.\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: X_KEY\n`,
    );
    const deadline = Date.now() + 10_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      names = (await session.client.listTools()).tools.map((x) => x.name);
      if (names.includes('ping_stub') && notified > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(names).toContain('ping_stub');
    expect(notified).toBeGreaterThan(0);
    stub.reset();
    const r = await session.call('ping_stub', {});
    expect(r.isError, visible(r)).toBeFalsy();
    expect(stub.requests[0]!.headers['x-api-key']).toBe(KEY_VALUE);
  });
});

describe('a broken task file in a running server', () => {
  it('is reported on stderr with its file, line and the missing secret; the other tools stay', async () => {
    writeTask('broken-live.yaml', `name: broken_live\ndescription: names a missing secret\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: NO_SUCH_SECRET\n`);
    const deadline = Date.now() + 10_000;
    while (!session.stderr().includes('broken-live.yaml') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(session.stderr()).toMatch(/broken-live\.yaml:7: .*NO_SUCH_SECRET/);
    const names = (await session.client.listTools()).tools.map((x) => x.name);
    expect(names).not.toContain('broken_live');
    expect(names).toEqual(expect.arrayContaining(['create_issue', 'get_repo', 'http_request', 'list_secrets']));
  });
});

describe('blindfold run', () => {
  // Async: the stub lives in this process, so a blocking spawnSync would starve it.
  it('runs a task from the CLI with --input and prints the redacted result', async () => {
    stub.reset();
    const r = await runCliAsync(['run', 'create_issue', '--input', 'repo=acme/cli', '--input', 'title=From the CLI', '--input', 'labels=["x"]', '--json'], { env: t.env }).done;
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; steps: Array<{ redacted: string[] }> };
    expect(result.ok).toBe(true);
    expect(result.steps[0]!.redacted).toContain('GH_PAT');
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${GH_VALUE}`);
    hasNoValue(r.stdout + r.stderr);
  });

  it('refuses a missing required input with exit code 2 and sends nothing', () => {
    stub.reset();
    const r = runCli(['run', 'create_issue', '--input', 'repo=acme/cli'], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/title/);
    expect(stub.requests).toHaveLength(0);
  });

  it('an unknown task exits 4', () => {
    expect(runCli(['run', 'nope'], { env: t.env }).code).toBe(4);
  });
});
