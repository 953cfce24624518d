// `blindfold exec`: the built CLI runs a real child process with secrets in its environment.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'exec-Value+/=with"quotes\'&<>-9aB8cD7eF';
const SECOND = 'second-exec-value-Qw3Er5Ty7Ui9';
let t: TempHome;

const node = process.execPath;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function exec(args: string[], childScript: string) {
  return runCliAsync(['exec', ...args, '--', node, '-e', childScript], { env: t.env }).done;
}

/** Every spelling of every value used here (test/helpers/traces.ts). */
function noTrace(text: string): void {
  expectNoTrace(text, [VALUE, SECOND]);
}

beforeAll(async () => {
  t = tempHome({ BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
  await seedSecret(t.env, 'EXEC_KEY', VALUE, '--host', 'https://api.example.com');
  await seedSecret(t.env, 'SECOND_KEY', SECOND, '--host', 'https://api.example.com');
});

afterAll(() => {
  expect(filesContaining(t.home, [VALUE, SECOND])).toEqual([]);
  t.cleanup();
});

describe('blindfold exec', () => {
  it('the child receives the values under the chosen variable names', async () => {
    const r = await exec(
      ['-s', 'EXEC_KEY', '-s', 'SECOND_KEY:MY_TOKEN'],
      `const h=(s)=>require('crypto').createHash('sha256').update(s).digest('hex');console.log(JSON.stringify({a:h(process.env.EXEC_KEY||''),b:h(process.env.MY_TOKEN||'')}))`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ a: sha(VALUE), b: sha(SECOND) });
  });

  it("the master key variables never reach the child", async () => {
    const r = await exec(['-s', 'EXEC_KEY'], `console.log(JSON.stringify(Object.keys(process.env).filter(k=>k.startsWith('BLINDFOLD_MASTER'))))`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(t.env.BLINDFOLD_MASTER_KEY).toBeTruthy();
  });

  it('masks a value printed whole, in encodings, and one character per write on stdout and stderr', async () => {
    const script = `
      const v = process.env.EXEC_KEY, w = process.env.SECOND_KEY;
      process.stdout.write('whole: ' + v + '\\n');
      process.stdout.write('b64: ' + Buffer.from(v).toString('base64') + ' hex: ' + Buffer.from(v).toString('hex') + '\\n');
      process.stdout.write('json: ' + JSON.stringify({ v }) + ' url: ' + encodeURIComponent(v) + '\\n');
      const chars = [...(v + ' | ' + w)];
      let i = 0;
      const tick = () => {
        if (i < chars.length) { process.stdout.write(chars[i]); process.stderr.write(chars[i]); i++; setTimeout(tick, 2); }
        else { process.stdout.write('\\nend\\n'); }
      };
      tick();`;
    const r = await exec(['-s', 'EXEC_KEY', '-s', 'SECOND_KEY'], script);
    expect(r.code, r.stderr).toBe(0);
    noTrace(r.stdout);
    noTrace(r.stderr);
    expect(r.stdout).toContain('whole: [REDACTED:EXEC_KEY]');
    expect(r.stdout).toContain('[REDACTED:EXEC_KEY] | [REDACTED:SECOND_KEY]');
    expect(r.stderr).toContain('[REDACTED:EXEC_KEY] | [REDACTED:SECOND_KEY]');
    expect(r.stdout.trimEnd().endsWith('end')).toBe(true);
  });

  it('passes the exit code through', async () => {
    const r = await exec(['-s', 'EXEC_KEY'], 'process.exit(7)');
    expect(r.code).toBe(7);
  });

  it('reports a signal like a shell does (128 + signal number)', async () => {
    const r = await exec(['-s', 'EXEC_KEY'], "process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)");
    expect(r.code).toBe(143);
  });

  it('refuses an unknown secret before running anything, exit 4', async () => {
    const r = await exec(['-s', 'NOPE_KEY'], "require('fs').writeFileSync(process.argv[1] || '/dev/null', 'ran')");
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('NOPE_KEY');
  });

  it('records the use in the audit trail', () => {
    const r = runCli(['audit', '--secret', 'EXEC_KEY', '--json'], { env: t.env });
    const entries = JSON.parse(r.stdout) as Array<{ action: string; reason?: string }>;
    expect(entries.some((e) => e.action === 'secret.resolve' && e.reason?.startsWith('exec '))).toBe(true);
    noTrace(r.stdout);
  });
});
