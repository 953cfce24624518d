// Blindfold used as a package, from outside its source: a temp project with `blindfold-mcp`
// linked into node_modules resolves it by name through the exports map, type-checks against the
// emitted declarations (dist/*.d.ts), and calls a loopback stub with a real secret through
// openBlindfold and through createServer over an in-memory MCP transport. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { startStub, type Stub } from '../helpers/stub.js';

const HERE = import.meta.dirname;
const VALUE = `cons_${randomBytes(16).toString('hex')}`;
let project: string;
let home: TempHome;
let stub: Stub;

/** Asynchronous on purpose: the stub answers from this process, which a synchronous spawn would block. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

beforeAll(async () => {
  expect(existsSync(join(REPO, 'dist/index.d.ts')), 'run `npm run build` first: declarations are emitted into dist/').toBe(true);
  home = tempHome();
  stub = await startStub();
  const init = runCli(['init'], { env: home.env });
  expect(init.code, init.stderr).toBe(0);
  const set = runCli(['set', 'CONSUMER_KEY', '--host', stub.origin], { env: home.env, input: VALUE });
  expect(set.code, set.stderr).toBe(0);

  project = mkdtempSync(join(tmpdir(), 'blindfold-consumer-'));
  mkdirSync(join(project, 'node_modules/@modelcontextprotocol'), { recursive: true });
  symlinkSync(REPO, join(project, 'node_modules/blindfold-mcp'), 'dir');
  symlinkSync(join(REPO, 'node_modules/@modelcontextprotocol/sdk'), join(project, 'node_modules/@modelcontextprotocol/sdk'), 'dir');
  symlinkSync(join(REPO, 'node_modules/@types'), join(project, 'node_modules/@types'), 'dir');
  for (const file of ['app.ts', 'tsconfig.json', 'no-cli.mjs', 'no-cli-hooks.mjs']) copyFileSync(join(HERE, file), join(project, file));
  // package.json makes the emitted app an ES module, as a consumer's own project would be.
  copyFileSync(join(HERE, 'consumer-package.json'), join(project, 'package.json'));
}, 60_000);

afterAll(async () => {
  await stub?.close();
  home?.cleanup();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('blindfold-mcp as a dependency', () => {
  it('type-checks against the emitted declarations and runs a call with a secret, redacted', async () => {
    const tsc = await node([join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], process.env);
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);

    const run = await node(['out/app.js'], { ...home.env, STUB_ORIGIN: stub.origin });
    expect(run.status, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain(VALUE);
    const seen = JSON.parse(run.stdout) as {
      principal: string;
      names: string[];
      status: number;
      body: { headers: Record<string, string> };
      redacted: string[];
      refusal?: string;
      tools: string[];
      mcp: { status: number; redacted: string[]; json: { headers: Record<string, string> } };
    };
    expect(seen.principal).toBe('plugin:consumer-test');
    expect(seen.names).toEqual(['CONSUMER_KEY']);
    expect(seen.status).toBe(200);
    expect(seen.redacted).toEqual(['CONSUMER_KEY']);
    // A whole value withholds its unit (the JSON string it sits in), so no text beside it is shown either.
    expect(seen.body.headers.authorization).toBe('[REDACTED:CONSUMER_KEY]');
    expect(seen.refusal).toBe('HOST_NOT_ALLOWED');
    expect(seen.tools).toEqual(expect.arrayContaining(['list_secrets', 'http_request']));
    expect(seen.mcp.redacted).toEqual(['CONSUMER_KEY']);
    expect(seen.mcp.json.headers['x-api-key']).toBe('[REDACTED:CONSUMER_KEY]');

    // The stub got the value itself, both ways.
    expect(stub.requests.map((r) => r.headers.authorization)).toContain(`Bearer ${VALUE}`);
    expect(stub.requests.map((r) => r.headers['x-api-key'])).toContain(VALUE);
    // Same audit trail as the MCP tools, under the plugin principal.
    const audit = readFileSync(join(home.home, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/"action":"secret.resolve"[^\n]*"principal":"plugin:consumer-test"|"principal":"plugin:consumer-test"[^\n]*"action":"secret.resolve"/);
    expect(audit).not.toContain(VALUE);
  }, 120_000);

  it('importing the package and ./mcp loads no CLI code and prints nothing', async () => {
    const imports = "await import('blindfold-mcp'); await import('blindfold-mcp/mcp');";
    const r = await node(['--import', './no-cli.mjs', '--input-type=module', '-e', imports], home.env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    // The check can fail: a CLI module imported the same way is refused.
    const cli = pathToFileURL(join(REPO, 'dist/cli/usage.js')).href;
    const control = await node(['--import', './no-cli.mjs', '--input-type=module', '-e', `await import(${JSON.stringify(cli)});`], home.env);
    expect(control.status).not.toBe(0);
    expect(control.stderr).toContain('the library loaded CLI code');
  }, 60_000);
});
