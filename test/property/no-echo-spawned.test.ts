// No value in any CLI message, through the built CLI (issue 20 item 1): task files whose YAML is
// broken on a line holding a key, or whose templates name a key where a name belongs, are reported
// with file, line, column and the kind of problem by `tasks check`, `tasks list`, `run` and `serve`
// — never with the key (the yaml library's own messages carry a code frame of the line). And the
// commands the spawned cases of no-echo.property.test.ts do not cover, each handed a token where
// a name, a value or a path belongs, repeat none of it (stdout, stderr, audit trail).
//
// Break checked (dist rebuilt each time, then restored, green): the code frame kept (loader.ts
// back to yaml's `e.message`) → the four task-file tests went red; mayRepeat in src/echo.ts made
// to `return true` → the four task-file tests went red (the command cases stayed green: their
// messages never repeat the argument at all); looksLikeToken made to `return false` → the
// command cases went red (`--vault` with a token-shaped path).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio } from '../helpers/mcp.js';
import { tokenCase } from './no-echo-tokens.js';

/** One key per task file, so a failure says which path let it through. */
const KEY = {
  frame: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcA9',
  escape: 'sk_live_Zp8QvR2mXt5LkW9yBn3JcF7hD1',
  secretRef: 'sk_live_Hq2Wd8NvB4kLm7PzX1cR9tYs6J',
  badExpr: 'ghp_R4nD0mV4lu3Xk9PqW2eLz7Ty5MbC8s',
  headerLiteral: 'ghp_Lt3Xq8VbN2mK7wPz4RcY9dJs1Fh6Ga',
  headerName: 'xoxb-2048-11203-Kq9Zt3Wv8XbN4mLp',
  unknownKey: 'sk_live_Uk7Rt2Wq9ZpX4mN8vB3cL1yH6sD5',
  inputRef: 'glpat-Jx7Kq2Wn9VbT4mRz8Pc3',
  required: 'sk_live_Rq5Wt8Zx2NvB7mK4pL9cH3yJ6dF1',
};

const step = (extra: string) => `steps:\n  - kind: http\n    method: GET\n${extra}`;
const TASKS: Record<string, string> = {
  'frame.yaml': `name: frame\ndescription: d\n${step(`    url: https://api.example.com/\n    headers:\n      Authorization: Bearer ${KEY.frame}: oops\n`)}`,
  'escape.yaml': `name: escape\ndescription: d\n${step(`    url: https://api.example.com/\n    headers: { Authorization: "Bearer ${KEY.escape}\\q" }\n`)}`,
  'secret-ref.yaml': `name: secret_ref\ndescription: d\n${step(`    url: https://api.example.com/<secrets.${KEY.secretRef}>\n`)}`,
  'bad-expr.yaml': `name: bad_expr\ndescription: d\n${step(`    url: https://api.example.com/x\n    headers:\n      Authorization: "Bearer <secrets.${KEY.badExpr.replace('_', '-')}>"\n`)}`,
  'header-literal.yaml': `name: header_literal\ndescription: d\n${step(`    url: https://evil.example.net/x\n    headers:\n      Authorization: "Bearer <secrets.API_KEY>"\n      X-Extra: "${KEY.headerLiteral}"\n`)}`,
  'header-name.yaml': `name: header_name\ndescription: d\n${step(`    url: https://api.example.com/<secrets.API_KEY>\n    headers:\n      "X-Key ${KEY.headerName}": "1"\n`)}`,
  'unknown-key.yaml': `name: unknown_key\ndescription: d\n${KEY.unknownKey}: 1\n${step('    url: https://api.example.com/\n')}`,
  'input-ref.yaml': `name: input_ref\ndescription: d\n${step(`    url: https://api.example.com/<inputs.${KEY.inputRef.replace(/-/g, '_')}>\n`)}`,
  'required.yaml': `name: required_in\ndescription: d\ninputs:\n  type: object\n  properties: {}\n  required: [${KEY.required}]\n${step('    url: https://api.example.com/\n')}`,
};
const KEYS = [...Object.values(KEY), KEY.badExpr.replace('_', '-'), KEY.inputRef.replace(/-/g, '_')];

function expectNoKey(text: string, label: string): void {
  for (const key of KEYS) expect(text, `${label}: ${key}`).not.toContain(key);
}

describe('task file problems', () => {
  let t: TempHome;
  beforeAll(() => {
    t = tempHome();
    expect(runCli(['init'], { env: t.env }).code).toBe(0);
    expect(runCli(['set', 'API_KEY', '--host', 'api.example.com'], { env: t.env, input: 'sk_test_51Hx9QeVb3kPzT7wY2mRf8LnD4cJ6sA0uE' }).code).toBe(0);
    mkdirSync(join(t.home, 'tasks'), { recursive: true });
    for (const [file, text] of Object.entries(TASKS)) writeFileSync(join(t.home, 'tasks', file), text);
  });
  afterAll(() => t.cleanup());

  it('tasks check names file, line, column and kind, and never the key on the line', () => {
    const r = runCli(['tasks', 'check'], { env: t.env });
    expect(r.code).toBe(1);
    expectNoKey(r.stdout + r.stderr, 'tasks check');
    expect(r.stdout).toMatch(/frame\.yaml:8: YAML syntax, column \d+: a nested mapping on one line/);
    expect(r.stdout).toMatch(/escape\.yaml:7: YAML syntax, column \d+: invalid escape sequence/);
    expect(r.stdout).toMatch(/secret-ref\.yaml:6: .*secret \(not repeated here\) does not exist/);
    expect(r.stdout).toMatch(/bad-expr\.yaml:8: .*malformed expression at position \d+: the text \(not repeated here\) is not a valid name/);
    expect(r.stdout).toMatch(/header-literal\.yaml:6: .*a host it is not bound to/);
    expect(r.stdout).toMatch(/header-name\.yaml:6: .*header name \(not repeated here\) is not a valid HTTP token/);
    expect(r.stdout).toMatch(/unknown-key\.yaml:1: Unrecognized key: \(not repeated here\)/);
    expect(r.stdout).toMatch(/input-ref\.yaml:6: .*<inputs\.\(not repeated here\)> is not a declared input/);
    expect(r.stdout).toMatch(/required\.yaml:\d+: required input \(not repeated here\) is not declared/);
    expect(r.stdout).toContain(`0 task(s) ok, ${Object.keys(TASKS).length} problem(s)`);
  });

  it('tasks check --json and tasks list say the same without the keys', () => {
    const json = runCli(['tasks', 'check', '--json'], { env: t.env });
    expectNoKey(json.stdout + json.stderr, 'tasks check --json');
    expect(JSON.parse(json.stdout).problems).toHaveLength(Object.keys(TASKS).length);
    const list = runCli(['tasks', 'list'], { env: t.env });
    expectNoKey(list.stdout + list.stderr, 'tasks list');
    expect(list.stderr).toMatch(/not loaded: .*frame\.yaml:8: YAML syntax/);
  });

  it('run, whose not-found message lists the files that failed, repeats none of the keys', () => {
    const r = runCli(['run', 'frame'], { env: t.env });
    expect(r.code).toBe(4);
    expectNoKey(r.stdout + r.stderr, 'run');
    expect(r.stderr).toMatch(/no task named frame loaded from .*failed to load/);
  });

  it('serve logs each file it could not load without the keys', async () => {
    const session = await connectStdio(t.env);
    try {
      await session.client.listTools();
      const deadline = Date.now() + 20_000;
      while (!session.stderr().includes('required.yaml') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(session.stderr()).toMatch(/frame\.yaml:8: YAML syntax/);
      expectNoKey(session.stderr(), 'serve');
    } finally {
      await session.close();
    }
    const audit = join(t.home, 'audit.jsonl');
    if (existsSync(audit)) expectNoKey(readFileSync(audit, 'utf8'), 'audit');
  });
});

describe('commands handed a token, spawned', () => {
  let t: TempHome;
  beforeAll(() => {
    t = tempHome();
    expect(runCli(['init'], { env: t.env }).code).toBe(0);
    expect(runCli(['set', 'API_KEY', '--host', 'api.example.com'], { env: t.env, input: 'sk_test_51Hx9QeVb3kPzT7wY2mRf8LnD4cJ6sA0uE' }).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  /** The commands and places the spawned cases of no-echo.property.test.ts leave out. */
  const lines = (x: string, home: string): string[][] => [
    ['import', join(home, x)],
    ['import', join(home, 'missing.env'), '--env', x],
    ['audit', '--since', x],
    ['audit', '--action', x],
    ['set', 'API_KEY', '--keep-value', '--env', x],
    ['set', 'API_KEY', '--keep-value', '--preset', x],
    ['set', 'API_KEY', '--keep-value', '--host', x],
    ['set', x, '--keep-value'],
    ['set', 'API_KEY', x],
    ['exec', '--env', x, '-s', 'API_KEY', '--', 'true'],
    ['rm', x, '--forget-fingerprints'],
    ['list', `--${x}`],
    [x],
    ['tasks', x],
    ['serve', '--env', x],
    ['serve', '--principal', x],
    ['--vault', join(home, x), 'list'],
  ];

  it('repeats no token on stdout, stderr or the audit trail', () => {
    const cases = fc.sample(tokenCase, { numRuns: 2, seed: 20_261_207 });
    let spawned = 0;
    for (const c of cases) {
      for (const args of lines(c.text, t.home)) {
        const r = runCli(args, { env: t.env });
        const label = args.join(' ');
        // A single hex label is a valid host name (`--host` accepts it), so success is allowed; silence is not.
        if (args[3] !== '--host') expect(r.code, label).not.toBe(0);
        for (const needle of c.mustNotAppear) expect(r.stdout + r.stderr, label).not.toContain(needle);
        spawned++;
      }
    }
    expect(spawned).toBe(34);
    const trail = readFileSync(join(t.home, 'audit.jsonl'), 'utf8');
    for (const c of cases) for (const needle of c.mustNotAppear) expect(trail).not.toContain(needle);
  });
});
