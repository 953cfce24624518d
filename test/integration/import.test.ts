import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';

const LONG = 'sk-import-value-1a2b3c4d5e6f';
let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

const cli = (args: string[]) => runCli(args, { env: t.env });
function envFile(text: string): string {
  const file = join(t.home, '..', 'in.env');
  writeFileSync(file, text);
  return file;
}
const versions = () =>
  Object.fromEntries((JSON.parse(cli(['list', '--json']).stdout) as { secrets: Array<{ name: string; version: number }> }).secrets.map((s) => [s.name, s.version]));

describe('import', () => {
  it('honours --allow-short', () => {
    const file = envFile('PIN_CODE=ab12\n');
    expect(cli(['import', file]).code).toBe(2);
    // A four-character PIN is guessable as well as short: both flags are needed.
    expect(cli(['import', file, '--allow-short']).code).toBe(2);
    const r = cli(['import', file, '--allow-short', '--allow-guessable']);
    expect(r.code, r.stderr).toBe(0);
    expect(versions()).toEqual({ PIN_CODE: 1 });
  });

  it('reports every bad line in one run, imports nothing, and never prints a value', () => {
    const file = envFile(`GOOD_ONE=${LONG}\nnot a line\nSHORT_ONE=abc\nBAD-NAME=${LONG}x\nQUOTE="${LONG}y\n`);
    const r = cli(['import', file]);
    expect(r.code).toBe(2);
    for (const line of [2, 3, 4, 5]) expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).not.toContain(`${file}:1:`);
    expect(r.stdout + r.stderr).not.toContain(LONG);
    expect(versions()).toEqual({});
  });

  it('an identical re-import adds no versions; a changed value adds one', () => {
    const file = envFile(`A_KEY=${LONG}\nB_KEY=${LONG}-b\n`);
    expect(cli(['import', file]).code).toBe(0);
    const again = cli(['import', file, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: [], updated: [], unchanged: ['A_KEY', 'B_KEY'] });
    expect(versions()).toEqual({ A_KEY: 1, B_KEY: 1 });
    envFile(`A_KEY=${LONG}\nB_KEY=${LONG}-changed\n`);
    expect(cli(['import', file]).code).toBe(0);
    expect(versions()).toEqual({ A_KEY: 1, B_KEY: 2 });
    const history = cli(['history', 'A_KEY', '--json']);
    expect(history.code, history.stderr).toBe(0);
  });
});
