// The package as a user meets it (issue 20): `npm pack` this checkout (built), install the tarball
// into an empty project, then `npx blindfold --version`, `init`, `set` (value on stdin), `list`,
// and `serve` driven by the MCP SDK's client from that project's own node_modules: tools/list and
// one http_request to a stub on 127.0.0.1, whose answer comes back redacted. Fails when npm warns
// about an engine (EBADENGINE) or the tarball holds what it must not (source maps, sources,
// tests, a `prepare` script). Prints each step on stderr and a JSON summary on stdout; removes
// everything it made. Run by test/integration/package.test.ts (on Node 20 in `npm test`, and on
// Node 24 in .ci/run) and by hand: `npm run build && node tools/package-trial.mjs`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStub } from './stub-server.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const INSTALL_TIMEOUT_MS = 240_000;

const step = (text) => process.stderr.write(`package-trial: ${text}\n`);

function fail(text) {
  throw new Error(`package-trial: ${text}`);
}

/** npm and npx as this Node's own (the one running the trial, 20 or 24), found next to it or on PATH. */
function run(command, args, { cwd, env, input = '', timeout = 60_000 }) {
  const r = spawnSync(command, args, { cwd, env, input, encoding: 'utf8', timeout });
  if (r.error) fail(`${command} ${args.join(' ')}: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustSucceed(what, r) {
  if (r.code !== 0) fail(`${what} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
}

/** What the tarball must and must not hold. */
export function tarballProblems(files, manifest) {
  const problems = [];
  for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/cli/serve.cjs']) {
    if (!files.includes(required)) problems.push(`missing ${required}`);
  }
  for (const file of files) {
    if (file.endsWith('.map')) problems.push(`source map ${file}`);
    if (/^(src|test|tools)\//.test(file)) problems.push(`not for users: ${file}`);
    if (/^dist\/cli\/(?!main\.js$|serve\.cjs(\.cache)?$|chunks\/)/.test(file)) problems.push(`tsc output the CLI bundle replaces: ${file}`);
  }
  // One copy of each bundled package: undici is the largest and was once shipped twice.
  const undici = files.filter((f) => /^dist\/cli\/.*undici/.test(f));
  if (undici.length !== 1) problems.push(`undici bundled ${undici.length} times: ${undici.join(', ')}`);
  if (manifest.scripts?.prepare) problems.push('a prepare script');
  return problems;
}

export async function packageTrial() {
  const root = mkdtempSync(join(tmpdir(), 'blindfold-package-trial-'));
  const stub = await startStub();
  const summary = {};
  try {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    // npm as the user has it set up (their npmrc: registry, CA file, cache): an install that works
    // in their shell works here. --prefer-offline takes what the cache already holds.
    // What `npm test` put in the environment for its own script (npm_*) is left out.
    const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const npmEnv = { ...shell, TMPDIR: tmpdir(), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

    step('npm pack');
    const packed = mustSucceed('npm pack', run('npm', ['pack', '--json', '--pack-destination', root], { cwd: REPO, env: npmEnv, timeout: 120_000 }));
    const [pack] = JSON.parse(packed.stdout);
    const files = pack.files.map((f) => f.path);
    Object.assign(summary, { tarball: pack.filename, size: pack.size, unpackedSize: pack.unpackedSize, files: files.length });
    const problems = tarballProblems(files, manifest);
    if (problems.length > 0) fail(`the tarball is wrong:\n  ${problems.join('\n  ')}`);

    const project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'blindfold-trial', version: '1.0.0', private: true }, null, 2)}\n`);
    step(`npm install ${pack.filename} into an empty project`);
    const started = Date.now();
    const install = run('npm', ['install', '--prefer-offline', join(root, pack.filename)], { cwd: project, env: npmEnv, timeout: INSTALL_TIMEOUT_MS });
    summary.installSeconds = Math.round((Date.now() - started) / 100) / 10;
    mustSucceed('npm install', install);
    if (/EBADENGINE/.test(install.stdout + install.stderr)) fail(`npm install warned about an engine on Node ${process.version}:\n${install.stderr}`);

    // The CLI in a home of its own: nothing of this machine's ~/.blindfold is read or written.
    const env = {
      PATH: process.env.PATH,
      HOME: join(root, 'user'),
      TMPDIR: tmpdir(),
      BLINDFOLD_HOME: join(root, 'home'),
      BLINDFOLD_LOG_LEVEL: 'warn',
      npm_config_update_notifier: 'false',
      // npx runs the project's own bin, and must never fetch the unrelated registry package `blindfold`.
      npm_config_yes: 'false',
    };
    mkdirSync(env.HOME);
    const npx = (args, input) => run('npx', ['blindfold', ...args], { cwd: project, env, input });

    step('npx blindfold --version');
    summary.version = mustSucceed('npx blindfold --version', npx(['--version'])).stdout.trim();
    if (summary.version !== manifest.version) fail(`--version said ${summary.version}, package.json ${manifest.version}`);
    step('npx blindfold init');
    mustSucceed('npx blindfold init', npx(['init']));
    const value = `sk_live_${randomBytes(16).toString('hex')}`;
    step('npx blindfold set TRIAL_KEY (value on stdin)');
    const set = mustSucceed('npx blindfold set', npx(['set', 'TRIAL_KEY', '--host', stub.origin], value));
    const listed = mustSucceed('npx blindfold list', npx(['list', '--json']));
    if (!listed.stdout.includes('TRIAL_KEY')) fail(`list does not show TRIAL_KEY:\n${listed.stdout}`);
    if ([set, listed].some((r) => (r.stdout + r.stderr).includes(value))) fail('the CLI printed the value');

    step('npx blindfold serve, driven by the MCP SDK client installed with the package');
    const projectRequire = createRequire(join(project, 'node_modules/blindfold-mcp/package.json'));
    const sdk = (path) => import(pathToFileURL(projectRequire.resolve(`@modelcontextprotocol/sdk/${path}`)).href);
    const { Client } = await sdk('client/index.js');
    const { StdioClientTransport } = await sdk('client/stdio.js');
    const transport = new StdioClientTransport({ command: 'npx', args: ['blindfold', 'serve'], cwd: project, env, stderr: 'pipe' });
    let serverStderr = '';
    transport.stderr?.on('data', (d) => (serverStderr += d));
    const client = new Client({ name: 'package-trial', version: '1.0.0' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      summary.tools = tools.map((t) => t.name).sort();
      if (!summary.tools.includes('list_secrets') || !summary.tools.includes('http_request')) fail(`tools/list: ${summary.tools.join(', ')}`);
      const called = await client.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${stub.origin}/echo`, headers: { Authorization: 'Bearer <secrets.TRIAL_KEY>' } } });
      const text = called.content.map((c) => c.text ?? '').join('');
      if (called.isError) fail(`http_request failed: ${text}\n${serverStderr}`);
      if (text.includes(value)) fail('http_request showed the agent the value');
      if (!text.includes('[REDACTED:TRIAL_KEY]')) fail(`http_request's answer is not redacted as expected: ${text.slice(0, 400)}`);
      if (!stub.requests.some((r) => r.headers.authorization === `Bearer ${value}`)) fail('the stub never got the value');
      summary.httpRequest = 'sent and redacted';
    } finally {
      await client.close();
    }
    if (serverStderr.includes(value)) fail('serve printed the value');
    return summary;
  } finally {
    await stub.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${JSON.stringify(await packageTrial())}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
