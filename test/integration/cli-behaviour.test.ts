// How the CLI behaves at the edges a shell user meets: a closed pipe, Ctrl-C at a prompt, a
// missing command, NO_COLOR, the global --audit/--tasks options, and errors that say why.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { openVaultOf, seedVault } from '../helpers/inprocess.js';
import { runCliOnTty, runOnTty } from '../helpers/tty.js';

let t: TempHome;

beforeAll(async () => {
  t = tempHome();
  const names = ['GITHUB_TOKEN', 'OPENAI_API_KEY'];
  await seedVault(t.env, names.map((name) => ({ name, value: `value-for-${name}-0123456789`, hosts: ['api.example.com'] })));
});
afterAll(() => t?.cleanup());

/** Runs the CLI with its stdout read end closed before it writes anything. */
function runWithClosedStdout(args: string[]): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => res({ code, stdout: '', stderr }));
  });
}

describe('a closed stdout (blindfold list | head -1)', () => {
  it('ends the command quietly with exit 0', async () => {
    for (const args of [['list'], ['presets'], ['list', '--json']]) {
      const r = await runWithClosedStdout(args);
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|\n\s+at /);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});

describe('Ctrl-C at the hidden prompt', () => {
  it('exits 130 like a shell and stores nothing', async () => {
    const r = runCliOnTty(['set', 'CANCELLED_KEY'], t.env, [['input hidden', 'typed-so-far\u0003']]);
    expect(r.stepsRun).toBe(1);
    expect(r.code).toBe(130);
    expect(r.output).not.toContain('typed-so-far');
    expect((await openVaultOf(t.env)).names()).not.toContain('CANCELLED_KEY');
  });
});

describe('NO_COLOR', () => {
  // As the CLI does: only it turns stderr logging on (the library is quiet).
  const script = `(await import(${JSON.stringify(join(REPO, 'dist/log-flag.js'))})).logToStderr(); const { logger } = await import(${JSON.stringify(join(REPO, 'dist/log.js'))}); logger().warn('a warning'); await new Promise((r) => setTimeout(r, 300));`;
  it('turns off colour in pretty (TTY) log output; colour stays without it', () => {
    const coloured = runOnTty([process.execPath, '--input-type=module', '-e', script], { ...t.env, NO_COLOR: '' });
    expect(coloured.output).toContain('a warning');
    expect(coloured.output).toContain('\u001b[');
    const plain = runOnTty([process.execPath, '--input-type=module', '-e', script], { ...t.env, NO_COLOR: '1' });
    expect(plain.output).toContain('a warning');
    expect(plain.output).not.toContain('\u001b[');
  });
});

describe('exec of a command that does not exist', () => {
  it('exits 127 like a shell', () => {
    const r = runCli(['exec', '-s', 'GITHUB_TOKEN', '--', 'no-such-command-blindfold-test'], { env: t.env });
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/command not found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('global --audit and --tasks (SPEC §2)', () => {
  it('--audit puts the trail where it says', () => {
    const trail = join(t.home, '..', 'elsewhere-audit.jsonl');
    const r = runCli(['--audit', trail, 'set', 'AUDITED_KEY', '--host', 'api.example.com'], { env: t.env, input: 'value-for-audited-key-0123456789' });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(trail)).toBe(true);
    expect(readFileSync(trail, 'utf8')).toContain('AUDITED_KEY');
    const after = runCli(['set', 'AUDITED_KEY', '--keep-value', '--description', 'moved', '--audit', trail], { env: t.env });
    expect(after.code, after.stderr).toBe(0);
    expect(readFileSync(trail, 'utf8').match(/AUDITED_KEY/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('--tasks reads task files from that folder', () => {
    const dir = join(t.home, '..', 'other-tasks');
    mkdirSync(dir, { recursive: true });
    const r = runCli(['tasks', 'list', '--json', '--tasks', dir], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { folder: string }).folder).toBe(dir);
  });
});

describe('errors that say why', () => {
  it('run of a task whose file failed to load names the file, line and problem', () => {
    const dir = join(t.home, '..', 'broken-tasks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'deploy.yaml'),
      'name: deploy_app\ndescription: Deploy.\nsteps:\n  - name: go\n    kind: http\n    method: POST\n    url: https://api.example.com/deploy\n    secret_name: NO_SUCH_SECRET\n',
    );
    const r = runCli(['run', 'deploy_app', '--tasks', dir], { env: t.env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('deploy.yaml:');
    expect(r.stderr).toContain('NO_SUCH_SECRET');
  });

  it('run refuses an --input name that is no name, without repeating it', () => {
    const dir = join(t.home, '..', 'good-tasks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'ping.yaml'),
      'name: ping\ndescription: Ping.\nsteps:\n  - name: go\n    kind: http\n    method: GET\n    url: https://api.example.com/ping\n    secret_name: GITHUB_TOKEN\n',
    );
    const r = runCli(['run', 'ping', '--tasks', dir, '--input', 'sk-live-Zq81xYv27Lm=1'], { env: t.env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--input/);
    expect(r.stderr).not.toContain('Zq81xYv27Lm');
  });

  it('show, history and rm of a missing name suggest close names', () => {
    for (const cmd of ['show', 'history', 'rm']) {
      const r = runCli([cmd, 'GITHUB_TOKN'], { env: t.env });
      expect(r.code, cmd).toBe(4);
      expect(r.stderr, cmd).toMatch(/did you mean GITHUB_TOKEN/);
    }
  });
});
