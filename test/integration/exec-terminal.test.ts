// `blindfold exec` at a terminal (issue 20 item 3): the built CLI runs on a real pseudo-terminal
// (test/helpers/tty.ts), and its child gets a terminal of its own through script(1), output masked.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, filesContaining, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { runCliOnTty, runOnTty } from '../helpers/tty.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = `sk_live_${randomBytes(18).toString('base64url')}`;
const TYPED = 'typed-hunter2-answer';
const node = process.execPath;
const NOTICE = 'script(1) from util-linux is not on PATH';
let t: TempHome;

beforeAll(() => {
  t = tempHome({ BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  expect(runCli(['set', 'TTY_KEY', '--host', 'api.example.com'], { env: t.env, input: VALUE }).code).toBe(0);
});

afterAll(() => {
  expect(filesContaining(t.home, [VALUE, TYPED])).toEqual([]);
  t.cleanup();
});

/** A child that reports whether it has a terminal and prints the value, then exits 3. */
const REPORT = "console.log('tty:' + process.stdin.isTTY + ',' + process.stdout.isTTY + ' value:' + process.env.TTY_KEY); process.exit(3)";

describe('blindfold exec at a terminal', () => {
  it('gives the child a terminal; what it prints is still masked and its exit code returned', () => {
    const r = runCliOnTty(['exec', '-s', 'TTY_KEY', '--', node, '-e', REPORT], t.env);
    expect(r.output).toContain('tty:true,true');
    expect(r.output).toContain('[REDACTED:TTY_KEY]');
    expect(r.output).not.toContain(NOTICE);
    expectNoTrace(r.output, [VALUE], 'terminal');
    expect(r.code).toBe(3);
  });

  it('a hidden read works: the prompt shows (though held back output has no newline), the answer is read and not echoed', () => {
    const child = 'read -s -p "Password: " answer; echo; echo "read ${#answer} characters"';
    const r = runCliOnTty(['exec', '-s', 'TTY_KEY', '--', 'bash', '-c', child], t.env, [['Password: ', `${TYPED}\r`]]);
    expect(r.stepsRun).toBe(1);
    expect(r.output).toContain(`read ${TYPED.length} characters`);
    expect(r.output).not.toContain(TYPED);
    expect(r.code).toBe(0);
  });

  it('Ctrl-C goes to the child through its terminal', () => {
    const child = "process.on('SIGINT', () => { console.log('child saw SIGINT'); process.exit(9); }); console.log('ready'); setTimeout(() => {}, 15000)";
    const r = runCliOnTty(['exec', '-s', 'TTY_KEY', '--', node, '-e', child], t.env, [['ready', '\x03']]);
    expect(r.output).toContain('child saw SIGINT');
    expect(r.code).toBe(9);
  });

  it("the child's terminal has the size of ours", () => {
    const child = "console.log('size:' + process.stdout.columns + 'x' + process.stdout.rows)";
    const argv = ['/bin/sh', '-c', 'stty cols 97 rows 31; exec "$@"', 'sh', node, CLI, 'exec', '-s', 'TTY_KEY', '--', node, '-e', child];
    const r = runOnTty(argv, t.env);
    expect(r.output).toContain('size:97x31');
  });

  it('without script(1) on PATH the child runs without a terminal, after a one-line notice; output still masked', () => {
    const empty = mkdtempSync(join(tmpdir(), 'blindfold-nopath-'));
    try {
      const r = runCliOnTty(['exec', '-s', 'TTY_KEY', '--', node, '-e', REPORT], { ...t.env, PATH: empty });
      expect(r.output).toContain(NOTICE);
      expect(r.output.split('\n').filter((l) => l.includes('script(1)'))).toHaveLength(1);
      // stdin stays ours (typed lines still reach the child); its output comes through a pipe.
      expect(r.output).toContain('tty:true,undefined');
      expect(r.output).toContain('[REDACTED:TTY_KEY]');
      expectNoTrace(r.output, [VALUE], 'terminal');
      expect(r.code).toBe(3);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('with pipes (not a terminal) the child gets pipes and there is no notice', () => {
    const r = runCli(['exec', '-s', 'TTY_KEY', '--', node, '-e', REPORT], { env: t.env });
    expect(r.stdout).toContain('tty:undefined,undefined');
    expect(r.stderr).not.toContain('script(1)');
    expectNoTrace(r.stdout + r.stderr, [VALUE], 'pipes');
    expect(r.code).toBe(3);
  });
});
