// Issue 22 item 3: `blindfold migrate` with the built CLI between a vault file and a real PostgreSQL
// database (the run's server, test/helpers/postgres.ts). A vault of 1,000 secrets with history, a
// removed secret (tombstones), a token and a suspension, and its audit trail, goes file → PostgreSQL
// → file: what the CLI shows agrees on every side, the chain verifies on every side, a value set
// before the move is used after it, and no value reaches a row or an output. A copy killed halfway
// finishes when run again; a destination holding another vault is refused; a password on argv is
// refused and not repeated; the source is left untouched.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { initSchema } from '../../src/store/postgres/index.js';
import { runCli, runCliAsync, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { openForChange, openVaultOf } from '../helpers/inprocess.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const MASTER = randomBytes(32).toString('base64');
const SECRETS = 1000;
const name = (i: number) => `S_${String(i).padStart(4, '0')}`;
/** Every value stored, in any version: none may appear in a row or an output. */
const values: string[] = [];
const fresh = () => {
  const v = `mv-${randomBytes(20).toString('hex')}`;
  values.push(v);
  return v;
};
/** The value S_0001 holds when the move starts (its third version). */
let used = '';

let source: TempHome; // the vault file it starts in
let team: TempHome; // a home on PostgreSQL
let back: TempHome; // the vault file it comes back to
let url = '';
const outputs: string[] = [];

function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): RunResult {
  const r = runCli(args, { env, ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
  outputs.push(r.stdout, r.stderr);
  return r;
}

function ok(args: string[], env: NodeJS.ProcessEnv): string {
  const r = cli(args, env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const hashOf = `const c=require('crypto');console.log(c.createHash('sha256').update(process.env.S_0001??'').digest('hex'))`;

async function rowsText(database: string): Promise<string> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    // Each table ordered by its whole primary key: rows that tie on a prefix of it come back in no
    // fixed order (a parallel scan's workers merge them as they finish), which is not a change.
    const tables = [
      ['blindfold_vault', 'singleton'],
      ['blindfold_records', 'collection, key'],
      ['blindfold_changes', 'revision'],
      ['blindfold_audit', 'seq'],
      ['blindfold_audit_notices', 'id'],
    ];
    // One query at a time: a pg client runs one (pg@9 refuses a second one in flight).
    const rows: string[] = [];
    for (const [t, key] of tables) rows.push(JSON.stringify((await client.query(`SELECT * FROM ${t} ORDER BY ${key}`)).rows));
    return rows.join('\n');
  } finally {
    await client.end();
  }
}

/** Every file of a home, by name, as a hash of its bytes (the source must stay byte-identical). */
function filesOf(home: string): Record<string, string> {
  return Object.fromEntries(readdirSync(home).filter((f) => !f.endsWith('.lock')).map((f) => [f, createHash('sha256').update(readFileSync(join(home, f))).digest('hex')]));
}

/** What the CLI shows of a vault: names and policy, one history, tokens, suspensions, the chain's verdict. */
function views(env: NodeJS.ProcessEnv) {
  const list = JSON.parse(ok(['list', '--json'], env)) as { secrets: Array<Record<string, unknown>> };
  return {
    list: list.secrets.map(({ lastUsed: _l, ...rest }) => rest),
    history: JSON.parse(ok(['history', 'S_0001', '--json'], env)) as unknown,
    tokens: (JSON.parse(ok(['token', 'list', '--json'], env)) as { tokens: Array<Record<string, unknown>> }).tokens.map(({ lastUsed: _l, ...rest }) => rest),
    suspended: JSON.parse(ok(['suspended', '--json'], env)) as unknown,
    verify: JSON.parse(ok(['audit', 'verify', '--json'], env)) as { ok: boolean; entries: number },
  };
}

beforeAll(async () => {
  url = await freshDatabase();
  source = tempHome({ BLINDFOLD_MASTER_KEY: MASTER });
  team = tempHome({ BLINDFOLD_MASTER_KEY: MASTER, BLINDFOLD_STORE: url, TEAM_URL: url });
  back = tempHome({ BLINDFOLD_MASTER_KEY: MASTER });
  // 1,000 secrets in process (the CLI's own code, its changes audited), then history, a removal, a token and a suspension.
  const opened = await openForChange(source.env);
  try {
    await opened.vault.setMany(Array.from({ length: SECRETS }, (_, i) => ({ name: name(i), value: fresh(), hosts: ['https://api.example.com'], env: 'development' })));
    for (let round = 0; round < 2; round++) {
      for (const i of [1, 2, 3]) {
        const value = fresh();
        await opened.vault.set({ name: name(i), value, env: 'development' });
        if (i === 1) used = value;
      }
    }
    await opened.vault.remove(name(999));
  } finally {
    opened.close();
  }
  const vault = await openVaultOf(source.env);
  await SuspensionList.in(vault.state).suspend('stdio:desk', 'test: a tripwire hit');
  await vault.close();
  ok(['token', 'create', 'agent-one', '--secrets', 'S_*'], source.env);
}, 120_000);

afterAll(() => {
  for (const h of [source, team, back]) h?.cleanup();
});

describe('blindfold migrate', () => {
  let before: ReturnType<typeof views>;

  it('file → PostgreSQL: the same vault and chain there, the source untouched, no value in a row or an output', async () => {
    before = views(source.env);
    expect(before.list).toHaveLength(SECRETS - 1);
    expect(before.verify.ok).toBe(true);
    const bytes = filesOf(source.home);
    const r = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', 'env:TEAM_URL', '--json'], team.env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, number | boolean>;
    expect(report).toMatchObject({ secrets: SECRETS - 1, tokens: 1, verified: true, resumed: false, auditEntries: before.verify.entries });
    expect(report.tombstones).toBeGreaterThan(0);
    expect(report.state).toBeGreaterThan(0); // the suspension
    expect(before.suspended).not.toEqual([]);
    expect(report.versions).toBeGreaterThan(SECRETS);
    expect(filesOf(source.home)).toEqual(bytes);
    expect(views(team.env)).toEqual(before);
    const rows = await rowsText(url);
    expect(values.filter((v) => rows.includes(v))).toEqual([]);
  });

  it('a value set before the move is used after it, on PostgreSQL', () => {
    expect(sha(used)).not.toBe(sha(''));
    expect(ok(['exec', '-s', 'S_0001', '--', process.execPath, '-e', hashOf], team.env).trim()).toBe(sha(used));
  });

  it('PostgreSQL → file: the same vault and chain back in a file, the rows unchanged, the value used there', async () => {
    const there = views(team.env);
    const rows = await rowsText(url);
    const r = cli(['migrate', '--from', 'env:TEAM_URL', '--to', join(back.home, 'vault.json')], team.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${SECRETS - 1} secrets`);
    expect(await rowsText(url)).toBe(rows);
    expect(views(back.env)).toEqual(there);
    expect(ok(['exec', '-s', 'S_0001', '--', process.execPath, '-e', hashOf], back.env).trim()).toBe(sha(used));
    const after = views(back.env).verify;
    expect(after.ok).toBe(true);
    expect(after.entries).toBeGreaterThan(there.verify.entries);
  });

  it('a copy killed in its PostgreSQL transaction leaves the database empty, and run again completes and verifies', async () => {
    const target = await freshDatabase();
    await initSchema(target);
    // Hold the audit table against inserts: the copy gets as far as the records and waits there, mid-transaction.
    const blocker = new pg.Client({ connectionString: target });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE blindfold_audit IN SHARE MODE');
    const env = { ...source.env, TARGET_URL: target };
    const run = runCliAsync(['migrate', '--from', join(source.home, 'vault.json'), '--to', 'env:TARGET_URL'], { env });
    // Watched from a client of its own: inside the blocker's transaction, pg_stat_activity stays as first read.
    const watcher = new pg.Client({ connectionString: target });
    await watcher.connect();
    let waiting = false;
    for (let i = 0; i < 300 && !waiting; i++) {
      const rows = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO blindfold_audit %'`);
      waiting = (rows.rows[0] as { n: number }).n > 0;
      if (!waiting) await new Promise((r) => setTimeout(r, 100));
    }
    await watcher.end();
    expect(waiting).toBe(true); // the records are written, uncommitted, when the kill lands
    run.child.kill('SIGKILL');
    await run.done;
    await blocker.query('ROLLBACK');
    await blocker.end();
    await new Promise((r) => setTimeout(r, 300));
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    const left = await client.query('SELECT (SELECT count(*) FROM blindfold_records)::int AS records, (SELECT meta IS NULL FROM blindfold_vault) AS empty');
    await client.end();
    expect(left.rows[0]).toEqual({ records: 0, empty: true });
    const again = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', 'env:TARGET_URL', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verified: true, auditEntries: before.verify.entries });
    expect(views({ ...env, BLINDFOLD_STORE: target })).toEqual(before);
  });

  it('a copy into a file killed before its vault lands is finished when run again', () => {
    const home = tempHome({ BLINDFOLD_MASTER_KEY: MASTER });
    try {
      const to = join(home.home, 'vault.json');
      const killed = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', to], { ...source.env, BLINDFOLD_FAULT: 'before-rename' });
      expect(killed.stderr).toContain('FAULT before-rename');
      expect(existsSync(to)).toBe(false);
      expect(existsSync(join(home.home, 'audit.jsonl'))).toBe(true);
      const again = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', to, '--json'], source.env);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ verified: true, resumed: true });
      expect(views(home.env)).toEqual(before);
    } finally {
      home.cleanup();
    }
  });

  it('a destination holding another vault is refused and left as it was', async () => {
    const other = tempHome({ BLINDFOLD_MASTER_KEY: MASTER });
    try {
      ok(['init'], other.env);
      const bytes = filesOf(other.home);
      const r = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', join(other.home, 'vault.json')], source.env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('another vault');
      expect(filesOf(other.home)).toEqual(bytes);
      const elsewhere = await freshDatabase();
      ok(['--store', elsewhere, 'init'], other.env);
      const rows = await rowsText(elsewhere);
      const p = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', elsewhere], other.env);
      expect(p.stderr).toContain('another vault');
      expect(await rowsText(elsewhere)).toBe(rows);
    } finally {
      other.cleanup();
    }
  });

  it('a URL with a password on the command line is refused and not repeated', () => {
    const withPassword = new URL(url);
    withPassword.password = 'pw-on-argv-5c4b3a';
    for (const args of [['--to', withPassword.href, '--from', join(source.home, 'vault.json')], ['--from', withPassword.href, '--to', join(back.home, 'other.json')]]) {
      const r = cli(['migrate', ...args], source.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('holds a password');
      expect(r.stdout + r.stderr).not.toContain('pw-on-argv-5c4b3a');
    }
    expect(existsSync(join(back.home, 'other.json'))).toBe(false);
  });

  it('a vault file beside the source (one folder, one audit trail) is refused as a destination', () => {
    const r = cli(['migrate', '--from', join(source.home, 'vault.json'), '--to', join(source.home, 'second.json')], source.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('share its audit trail');
    expect(existsSync(join(source.home, 'second.json'))).toBe(false);
  });

  it('no value appeared in any output', () => {
    const all = outputs.join('\n');
    expect(values.filter((v) => all.includes(v))).toEqual([]);
  });
});
