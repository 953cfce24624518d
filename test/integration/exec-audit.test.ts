// `blindfold exec -s GLOB` and the `exec.run` audit entry (issue 20 item 3), through the built CLI.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { expectNoTrace } from '../helpers/traces.js';

const token = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;
const PAY_A = token('sk_live_');
const PAY_B = token('sk_live_');
const OTHER = token('ghp_');
/** A value typed on the command line: the trail must not keep it. */
const ARG_VALUE = token('sk_live_');
const VALUES = [PAY_A, PAY_B, OTHER, ARG_VALUE];
const node = process.execPath;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
let t: TempHome;

interface Entry {
  seq: number;
  action: string;
  secrets?: string[];
  argv?: string[];
  exitCode?: number;
  outcome: string;
  reason?: string;
}

function trail(): Entry[] {
  const r = runCli(['audit', '--json'], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  expectNoTrace(r.stdout, VALUES, 'audit');
  return JSON.parse(r.stdout) as Entry[];
}

/** The entries the next command adds. */
function entriesOf(run: () => void): Entry[] {
  const before = Math.max(0, ...trail().map((e) => e.seq));
  run();
  return trail().filter((e) => e.seq > before);
}

/** A child printing the sha256 of each named variable (never a value), then exiting with `code`. */
function hashes(names: string[], code = 0): string {
  return `const h=(s)=>require('crypto').createHash('sha256').update(s??'').digest('hex');console.log(JSON.stringify(${JSON.stringify(names)}.map((n)=>[n,process.env[n]===undefined?null:h(process.env[n])])));process.exit(${code})`;
}

beforeAll(() => {
  t = tempHome({ BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  for (const [name, value] of [['PAY_A_KEY', PAY_A], ['PAY_B_KEY', PAY_B], ['OTHER_TOKEN', OTHER]] as const) {
    const r = runCli(['set', name, '--host', 'api.example.com'], { env: t.env, input: value });
    expect(r.code, r.stderr).toBe(0);
  }
});

afterAll(() => {
  expect(filesContaining(t.home, VALUES)).toEqual([]);
  t.cleanup();
});

describe('exec -s with a glob', () => {
  it('injects every matching secret under its own name, and no other', () => {
    const r = runCli(['exec', '-s', 'PAY_*', '--', node, '-e', hashes(['PAY_A_KEY', 'PAY_B_KEY', 'OTHER_TOKEN'])], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([['PAY_A_KEY', sha(PAY_A)], ['PAY_B_KEY', sha(PAY_B)], ['OTHER_TOKEN', null]]);
  });

  it("'*' with a NAME:VAR mapping: everything, the mapped name also under its variable", () => {
    const r = runCli(['exec', '-s', '*', '-s', 'OTHER_TOKEN:GH_TOKEN', '--', node, '-e', hashes(['PAY_A_KEY', 'OTHER_TOKEN', 'GH_TOKEN'])], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([['PAY_A_KEY', sha(PAY_A)], ['OTHER_TOKEN', sha(OTHER)], ['GH_TOKEN', sha(OTHER)]]);
  });

  it('a glob that matches nothing is refused before anything runs or is resolved; a name pattern is repeated, a token-shaped one is not', () => {
    const added = entriesOf(() => {
      const r = runCli(['exec', '-s', 'NOPE_*', '--', node, '-e', "console.log('ran')"], { env: t.env });
      expect(r.code).toBe(4);
      expect(r.stdout).not.toContain('ran');
      expect(r.stderr).toContain("'NOPE_*': it matches no secret");
      const shaped = 'sk_live_4eC39HqLyjWDarjt*';
      const s = runCli(['exec', '-s', shaped, '--', node, '-e', "console.log('ran')"], { env: t.env });
      expect(s.code).toBe(4);
      expect(s.stderr).toContain('not repeated here');
      expect(s.stderr).not.toContain(shaped.slice(0, 12));
    });
    expect(added.filter((e) => e.action === 'secret.resolve' || e.action === 'exec.run')).toEqual([]);
  });
});

describe('exec.run on the audit trail', () => {
  it('records the argv (an argument that may be a value as "(not recorded)"), the exit code and the names injected', () => {
    const added = entriesOf(() => {
      // `node` by name: found on PATH, recorded as typed (a temp folder's random name in its path would not be).
      const r = runCli(['exec', '-s', 'PAY_*', '--', 'node', '-e', hashes([], 7), '--', '--verbose', 'report.txt', ARG_VALUE, `--token=${ARG_VALUE}`], { env: t.env });
      expect(r.code).toBe(7);
    });
    const run = added.find((e) => e.action === 'exec.run');
    expect(run).toMatchObject({ exitCode: 7, secrets: ['PAY_A_KEY', 'PAY_B_KEY'], outcome: 'error' });
    expect(run!.argv).toEqual(['node', '-e', '(not recorded)', '--', '--verbose', 'report.txt', '(not recorded)', '--token=(not recorded)']);
    // The use itself was on the trail before the value was opened.
    const resolve = added.find((e) => e.action === 'secret.resolve');
    expect(resolve!.seq).toBeLessThan(run!.seq);
  });

  it('a clean run is ok with exit code 0', () => {
    const added = entriesOf(() => expect(runCli(['exec', '-s', 'OTHER_TOKEN', '--', node, '-e', '0'], { env: t.env }).code).toBe(0));
    expect(added.find((e) => e.action === 'exec.run')).toMatchObject({ exitCode: 0, secrets: ['OTHER_TOKEN'], outcome: 'ok' });
  });

  it('a command that does not exist: exit 127, nothing resolved, and the trail says so', () => {
    const added = entriesOf(() => {
      const r = runCli(['exec', '-s', 'PAY_*', '--', 'blindfold-no-such-command'], { env: t.env });
      expect(r.code).toBe(127);
      expect(r.stderr).toContain('cannot run blindfold-no-such-command: command not found; no value was resolved');
    });
    expect(added.map((e) => e.action)).toEqual(['exec.run']);
    expect(added[0]).toMatchObject({ argv: ['blindfold-no-such-command'], exitCode: 127, outcome: 'error' });
    expect(added[0]!.secrets ?? []).toEqual([]);
  });
});
