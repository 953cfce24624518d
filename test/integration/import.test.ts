import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf, seedVault } from '../helpers/inprocess.js';

const LONG = 'sk-import-value-1a2b3c4d5e6f';
let t: TempHome;
beforeEach(async () => {
  t = tempHome();
  await seedVault(t.env); // what `blindfold init` leaves
});
afterEach(() => t.cleanup());

const cli = (args: string[]) => runCli(args, { env: t.env });
function envFile(text: string): string {
  const file = join(t.home, '..', 'in.env');
  writeFileSync(file, text);
  return file;
}
/** Each secret's version, read in-process: the command under test is import, not list. */
const versions = async () => Object.fromEntries((await openVaultOf(t.env)).list().map((s) => [s.name, s.version]));

describe('import', () => {
  it('honours --allow-short', async () => {
    const file = envFile('PIN_CODE=ab12\n');
    expect(cli(['import', file]).code).toBe(2);
    // A four-character PIN is guessable as well as short: both flags are needed.
    expect(cli(['import', file, '--allow-short']).code).toBe(2);
    const r = cli(['import', file, '--allow-short', '--allow-guessable']);
    expect(r.code, r.stderr).toBe(0);
    expect(await versions()).toEqual({ PIN_CODE: 1 });
  });

  it('reports every bad line in one run, imports nothing, and never prints a value', async () => {
    const file = envFile(`GOOD_ONE=${LONG}\nnot a line\nSHORT_ONE=abc\nBAD-NAME=${LONG}x\nQUOTE="${LONG}y\n`);
    const r = cli(['import', file]);
    expect(r.code).toBe(2);
    for (const line of [2, 3, 4, 5]) expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).not.toContain(`${file}:1:`);
    expect(r.stdout + r.stderr).not.toContain(LONG);
    expect(await versions()).toEqual({});
  });

  it('an identical re-import adds no versions; a changed value adds one', async () => {
    const file = envFile(`A_KEY=${LONG}\nB_KEY=${LONG}-b\n`);
    expect(cli(['import', file]).code).toBe(0);
    const again = cli(['import', file, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: [], updated: [], unchanged: ['A_KEY', 'B_KEY'] });
    expect(await versions()).toEqual({ A_KEY: 1, B_KEY: 1 });
    envFile(`A_KEY=${LONG}\nB_KEY=${LONG}-changed\n`);
    expect(cli(['import', file]).code).toBe(0);
    expect(await versions()).toEqual({ A_KEY: 1, B_KEY: 2 });
    const history = cli(['history', 'A_KEY', '--json']);
    expect(history.code, history.stderr).toBe(0);
  });
});
