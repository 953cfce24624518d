// `import` of a real-world .env (issue 20 item 2): quotes, a multi-line PEM, comments, blank lines,
// `export`, empty values, a duplicate and CRLF line ends. It imports what it can, reports every
// line it skips by number and reason (and the `export ` prefixes it dropped), never a value;
// `--dry-run` says create / update / unchanged per name and writes nothing, audit included.
//
// Break checked (dist rebuilt, then restored, green): chooseEntries keeping the first definition
// instead of the last → "the last definition wins" went red; the dry run writing (setMany before
// printing) → "writes nothing" went red.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf } from '../helpers/inprocess.js';

const V = {
  database: 'postgres://app:Pg5eCr3tQz9Lm2Xv7Hd@db.internal:5432/app',
  stripeOld: 'sk_live_51Hq8ZtLmN3vR7pX2wK9cB4dF6gJ1sY0eA',
  stripe: 'sk_live_51Zz9YxWv8Ut7Sr6Qp5On4Ml3Kj2Ih1GfEd',
  openai: 'sk-proj-Qm7Xt2Lp9Vz4Wr8Nc3Kb6Hd1Jf5Gs0Ya',
  openaiStored: 'sk-proj-Wq3Zr8Tn1Xv6Lm4Pb9Kc2Hs7Jd5Gf0Ye',
  commentedOut: 'ghp_oldTokenCommentedOut7Hq2Wd8NvB4kLm',
  github: 'ghp_R4nD0mV4lu3Xk9PqW2eLz7Ty5MbC8sAa1',
  pemBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4',
  sendgrid: 'SG.aB3dE5fG7hJ9kL1mN3pQ5r.sT7uV9wX1yZ3aB5cD7eF9gH1jK3lM5nP7qR9sT1uV',
};
const PEM = `-----BEGIN PRIVATE KEY-----\n${V.pemBody}\n-----END PRIVATE KEY-----`;

const FIXTURE = [
  '# Production settings for acme-api', // 1
  '', // 2
  `export DATABASE_URL="${V.database}"`, // 3
  `STRIPE_SECRET_KEY=${V.stripeOld}`, // 4
  `OPENAI_API_KEY='${V.openai}'   # team key`, // 5
  'EMPTY_TOKEN=', // 6
  'QUOTED_EMPTY=""', // 7
  `# GITHUB_TOKEN=${V.commentedOut}`, // 8
  `GITHUB_TOKEN=${V.github}`, // 9
  `PRIVATE_KEY="${PEM.split('\n')[0]}`, // 10
  V.pemBody, // 11
  `${PEM.split('\n')[2]}"`, // 12
  `STRIPE_SECRET_KEY=${V.stripe}`, // 13
  'export PATH_EXTRA', // 14
  `SENDGRID_API_KEY = "${V.sendgrid}"`, // 15
  '', // 16
];
const IMPORTED = ['DATABASE_URL', 'GITHUB_TOKEN', 'OPENAI_API_KEY', 'PRIVATE_KEY', 'SENDGRID_API_KEY', 'STRIPE_SECRET_KEY'];

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

const cli = (args: string[], input = '') => runCli(args, { env: t.env, input });
function envFile(lineEnd = '\n'): string {
  const file = join(t.home, '..', 'prod.env');
  writeFileSync(file, FIXTURE.join(lineEnd));
  return file;
}
function expectNoValue(text: string): void {
  for (const value of [...Object.values(V), 'Pg5eCr3tQz9Lm2Xv7Hd']) expect(text).not.toContain(value);
}
function expectReport(stderr: string, file: string): void {
  expect(stderr).toContain(`${file}: 2 comment line(s) skipped: 1, 8`);
  expect(stderr).toContain(`${file}: \`export \` prefix dropped (the variable imported) on line(s) 3`);
  expect(stderr).toContain(`${file}:4: skipped: STRIPE_SECRET_KEY: defined again on line 13, which wins`);
  expect(stderr).toContain(`${file}:6: skipped: EMPTY_TOKEN: empty value`);
  expect(stderr).toContain(`${file}:7: skipped: QUOTED_EMPTY: empty value`);
  expect(stderr).toContain(`${file}:14: skipped: \`export NAME\` without a value`);
}

describe('import of a real-world .env', () => {
  for (const [label, lineEnd] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
    it(`imports the rest and reports each skipped line, never a value (${label})`, async () => {
      const file = envFile(lineEnd);
      const r = cli(['import', file]);
      expect(r.code, r.stderr).toBe(0);
      expectNoValue(r.stdout + r.stderr);
      expectReport(r.stderr, file);
      expect(r.stdout).toContain('imported 6 secrets into development: 6 created, 0 updated, 0 unchanged');
      const vault = await openVaultOf(t.env);
      expect(vault.list().map((s) => s.name).sort()).toEqual(IMPORTED);
      // The last definition wins; quotes, the inline comment and CR are not part of any value.
      expect(vault.resolve('STRIPE_SECRET_KEY', 'development')).toBe(V.stripe);
      expect(vault.resolve('OPENAI_API_KEY', 'development')).toBe(V.openai);
      expect(vault.resolve('DATABASE_URL', 'development')).toBe(V.database);
      expect(vault.resolve('PRIVATE_KEY', 'development')).toBe(PEM);
      expect(vault.resolve('SENDGRID_API_KEY', 'development')).toBe(V.sendgrid);
    });
  }

  it('--json lists the skipped lines and dropped prefixes with the outcome', () => {
    const r = cli(['import', envFile(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectNoValue(r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    expect(out.created.sort()).toEqual(IMPORTED);
    expect(out.commentLines).toEqual([1, 8]);
    expect(out.exportPrefixDropped).toEqual([3]);
    expect(out.skipped.map((s: { line: number }) => s.line)).toEqual([4, 6, 7, 14]);
  });

  it('--dry-run says create, update or unchanged per name and writes nothing, not even an audit entry', () => {
    expect(cli(['set', 'GITHUB_TOKEN', '--host', 'api.github.com'], V.github).code).toBe(0);
    expect(cli(['set', 'OPENAI_API_KEY'], V.openaiStored).code).toBe(0);
    const vaultFile = join(t.home, 'vault.json');
    const auditFile = join(t.home, 'audit.jsonl');
    const before = { vault: readFileSync(vaultFile), audit: readFileSync(auditFile) };
    const file = envFile();
    const r = cli(['import', file, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expectNoValue(r.stdout + r.stderr);
    expectReport(r.stderr, file);
    const rows = r.stdout.split('\n').filter((l) => /^(create|update|unchanged) /.test(l)).map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      ['create', 'DATABASE_URL'],
      ['create', 'PRIVATE_KEY'],
      ['create', 'STRIPE_SECRET_KEY'], // in the order of the lines that win (13)
      ['create', 'SENDGRID_API_KEY'],
      ['update', 'OPENAI_API_KEY'],
      ['unchanged', 'GITHUB_TOKEN'],
    ]);
    expect(r.stdout).toContain('dry run, nothing written: would import 6 secrets into development: 4 created, 1 updated, 1 unchanged');
    expect(readFileSync(vaultFile).equals(before.vault)).toBe(true);
    expect(readFileSync(auditFile).equals(before.audit)).toBe(true);
    const json = cli(['import', file, '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, unchanged: ['GITHUB_TOKEN'], updated: ['OPENAI_API_KEY'] });
    expect(readFileSync(vaultFile).equals(before.vault)).toBe(true);
  });

  it('a home without a vault is refused, dry run or not, and nothing is created', () => {
    const empty = tempHome();
    try {
      const file = envFile();
      for (const args of [['import', file], ['import', file, '--dry-run']]) {
        const r = runCli(args, { env: empty.env });
        expect(r.code, args.join(' ')).toBe(4);
        expect(r.stderr).toContain('blindfold init');
        expectNoValue(r.stdout + r.stderr);
        expect(existsSync(join(empty.home, 'vault.json'))).toBe(false);
      }
    } finally {
      empty.cleanup();
    }
  });

  it('a name that looks like a key is not repeated when its line is skipped or bad', () => {
    const token = 'sk_live_Kq9Zt3Wv8XbN4mLp2Rc7';
    const file = join(t.home, '..', 'odd.env');
    writeFileSync(file, `${token}=\nGOOD_NAME=${V.github}\n${token}2="unterminated\n${token}3=${V.stripe}\n`);
    const r = cli(['import', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: unterminated double quote for (not repeated here)`);
    expect(r.stderr).toContain(`${file}:4: the name looks like a key or token (not repeated here)`);
    expect(r.stdout + r.stderr).not.toContain(token);
    expectNoValue(r.stdout + r.stderr);
  });
});
