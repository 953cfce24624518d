// `blindfold doctor`: one line per check (ok / warn / fail, each warn and fail with its fix), which
// place the home and environment came from, exit 1 on any fail, --json of the same, never a value.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { CLI, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf } from '../helpers/inprocess.js';

const VALUE = 'sk_live_Zr8Kq2Wm5Tx9Lb4Nv7Pc3Hd6';
const INLINE_KEY = randomBytes(32).toString('base64');

interface Check {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
  source?: string;
}
interface Report {
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
  checks: Check[];
}

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  expect(runCli(['set', 'STRIPE_KEY', '--host', 'api.stripe.com'], { env: t.env, input: VALUE }).code).toBe(0);
});
afterEach(() => t.cleanup());

function doctor(env: NodeJS.ProcessEnv = t.env, ...args: string[]): { code: number | null; report: Report; text: string } {
  const json = runCli([...args, 'doctor', '--json'], { env });
  const text = runCli([...args, 'doctor'], { env });
  expect(json.code).toBe(text.code);
  for (const out of [json.stdout, json.stderr, text.stdout, text.stderr]) {
    expect(out).not.toContain(VALUE);
    expect(out).not.toContain(INLINE_KEY);
  }
  return { code: json.code, report: JSON.parse(json.stdout) as Report, text: text.stdout };
}

const find = (r: Report, check: string) => r.checks.filter((c) => c.check === check);
const one = (r: Report, check: string) => find(r, check)[0]!;

describe('blindfold doctor on a healthy home', () => {
  it('exits 0 with every check ok or warn, and --json has one entry per line of text', () => {
    const { code, report, text } = doctor();
    expect(code, text).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.counts.fail).toBe(0);
    expect(report.checks.map((c) => c.check)).toEqual(['config', 'home', 'environment', 'principal', 'key', 'vault', 'audit', 'tasks', 'suspensions', 'clients', 'node']);
    for (const c of report.checks) {
      expect(['ok', 'warn']).toContain(c.status);
      expect(typeof c.message).toBe('string');
      if (c.status !== 'ok') expect(c.fix, c.check).toBeTruthy();
      const shown = text.split('\n').find((l) => l.startsWith(`${c.status.padEnd(5)} ${c.check} `));
      expect(shown, `${c.check} in\n${text}`).toBeDefined();
    }
    expect(one(report, 'vault').message).toMatch(/1 stored values in 1 secrets decrypt and authenticate/);
    expect(one(report, 'audit').message).toMatch(/entries, chain intact/);
    expect(one(report, 'node').message).toContain(`Node ${process.versions.node}`);
    expect(text).toMatch(/\d+ ok, \d+ warn, 0 fail\n$/);
  });

  it('warns that a key file of this user is readable by an agent with a shell running as it, pointing at the set-up for those', () => {
    const key = one(doctor().report, 'key');
    expect(key.status).toBe('warn');
    expect(key.message).toContain(join(t.home, 'master.key'));
    expect(key.message).toMatch(/an agent with a shell running as .+ can read it/);
    expect(key.fix).toContain('README: "Agents with a shell"');
  });

  it('warns about a key file open to other users, with the chmod that fixes it', () => {
    chmodSync(join(t.home, 'master.key'), 0o644);
    const key = one(doctor().report, 'key');
    expect(key.status).toBe('warn');
    expect(key.fix).toBe(`chmod 600 ${join(t.home, 'master.key')}`);
  });
});

describe('which source won', () => {
  it('names the flag, the environment variable, the config file or the default for the home and the environment', () => {
    const xdg = join(t.env.HOME!, 'xdg');
    mkdirSync(join(xdg, 'blindfold'), { recursive: true });
    const withConfig: NodeJS.ProcessEnv = { ...t.env, XDG_CONFIG_HOME: xdg };
    const home = (r: Report) => [one(r, 'home').source, one(r, 'home').message, one(r, 'environment').source, one(r, 'environment').message];

    expect(home(doctor().report)).toEqual(['env', `${t.home} (from BLINDFOLD_HOME)`, 'default', 'development (from the default)']);
    expect(home(doctor(t.env, '--home', t.home).report)[0]).toBe('flag');
    expect(home(doctor(t.env, '--home', t.home).report)[1]).toBe(`${t.home} (from --home)`);

    writeFileSync(join(xdg, 'blindfold', 'config.json'), JSON.stringify({ home: t.home, environment: 'staging' }));
    const { BLINDFOLD_HOME: _unused, ...noVariable } = withConfig;
    const fromFile = doctor(noVariable).report;
    expect(home(fromFile)).toEqual(['config', `${t.home} (from "home" in the config file)`, 'config', 'staging (from "environment" in the config file)']);
    expect(one(fromFile, 'vault').status).toBe('ok');
    expect(one(doctor({ ...withConfig, BLINDFOLD_ENV: 'production' }).report, 'environment').message).toBe('production (from BLINDFOLD_ENV)');

    writeFileSync(join(xdg, 'blindfold', 'config.json'), JSON.stringify({}));
    expect(home(doctor(noVariable).report)[0]).toBe('default');
  });

  it('reports a bad config file as a fail naming file and key, and exits 1', () => {
    const xdg = join(t.env.HOME!, 'xdg');
    mkdirSync(join(xdg, 'blindfold'), { recursive: true });
    writeFileSync(join(xdg, 'blindfold', 'config.json'), JSON.stringify({ environment: VALUE }));
    const { code, report } = doctor({ ...t.env, XDG_CONFIG_HOME: xdg });
    expect(code).toBe(1);
    expect(one(report, 'config')).toMatchObject({ status: 'fail', message: expect.stringContaining('is not valid: environment:') as unknown });
    expect(one(report, 'config').fix).toContain('README: "Config file"');
  });
});

describe('blindfold doctor on a broken home', () => {
  it('fails the audit line of a tampered trail, with the fix, and exits 1', () => {
    const file = join(t.home, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes('"outcome":"ok"') && !l.includes('"unsigned":true'));
    lines[i] = lines[i]!.replace('"outcome":"ok"', '"outcome":"denied"');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { code, report, text } = doctor();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const audit = one(report, 'audit');
    expect(audit.status).toBe('fail');
    expect(audit.message).toMatch(/was changed outside Blindfold: .*the MAC does not match/);
    expect(audit.fix).toContain('blindfold audit verify');
    expect(text).toMatch(/^fail  audit .*\n\s+fix: keep the file/m);
  });

  it('fails the vault line on a wrong key, says the key came from the variable, and exits 1', () => {
    const { code, report } = doctor({ ...t.env, BLINDFOLD_MASTER_KEY: INLINE_KEY });
    expect(code).toBe(1);
    expect(one(report, 'vault')).toMatchObject({ status: 'fail', message: expect.stringContaining('is not the key this vault was made with') as unknown });
    expect(one(report, 'vault').fix).toBeTruthy();
    expect(one(report, 'key')).toMatchObject({ status: 'warn', message: expect.stringContaining('from BLINDFOLD_MASTER_KEY') as unknown });
  });

  it('fails a task file that does not load, pointing at tasks check', () => {
    mkdirSync(join(t.home, 'tasks'));
    writeFileSync(join(t.home, 'tasks', 'broken.yaml'), 'name: broken\nsteps: [\n');
    const { code, report } = doctor();
    expect(code).toBe(1);
    expect(one(report, 'tasks')).toMatchObject({ status: 'fail', fix: expect.stringContaining('blindfold tasks check') as unknown });
  });

  it('warns about an active suspension, with the command that lifts it', async () => {
    const vault = await openVaultOf(t.env);
    await SuspensionList.in(vault.state).suspend('stdio:desk', 'test: a tripwire hit');
    const { code, report } = doctor();
    expect(code).toBe(0);
    expect(one(report, 'suspensions')).toMatchObject({ status: 'warn', message: 'suspended: stdio:desk', fix: expect.stringContaining('blindfold clear PRINCIPAL') as unknown });
  });

  it('fails a home that does not exist, with blindfold init as the fix', () => {
    const { code, report } = doctor({ ...t.env, BLINDFOLD_HOME: join(t.home, 'typo') });
    expect(code).toBe(1);
    expect(one(report, 'home')).toMatchObject({ status: 'fail', fix: expect.stringContaining('blindfold init') as unknown });
  });
});

describe('client entries', () => {
  const writeClaudeCode = (servers: Record<string, unknown>) => writeFileSync(join(t.env.HOME!, '.claude.json'), JSON.stringify({ mcpServers: servers }));

  it('ok for an entry that starts this Node and CLI on this home; warn for another home, a bare command or an inline key; fail for a missing command', () => {
    writeClaudeCode({
      blindfold: { command: process.execPath, args: [CLI, 'serve'], env: { BLINDFOLD_HOME: t.home } },
      'blindfold-other': { command: process.execPath, args: [CLI, 'serve'], env: { BLINDFOLD_HOME: join(t.home, 'other') } },
      'blindfold-bare': { command: 'node', args: [CLI, 'serve'], env: { BLINDFOLD_HOME: t.home } },
      'blindfold-keyed': { command: process.execPath, args: [CLI, 'serve'], env: { BLINDFOLD_HOME: t.home, BLINDFOLD_MASTER_KEY: INLINE_KEY } },
      'blindfold-gone': { command: '/nonexistent/node', args: [CLI, 'serve'] },
      unrelated: { command: 'npx', args: ['-y', 'some-other-server'] },
    });
    const { code, report } = doctor();
    expect(code).toBe(1);
    const clients = find(report, 'clients');
    const about = (name: string) => clients.find((c) => c.message.includes(`"${name}" in`))!;
    expect(clients).toHaveLength(5);
    expect(about('blindfold').status).toBe('ok');
    expect(about('blindfold-other')).toMatchObject({ status: 'warn', message: expect.stringContaining(`serves the home ${join(t.home, 'other')}, not ${t.home}`) as unknown });
    expect(about('blindfold-bare')).toMatchObject({ status: 'warn', message: expect.stringContaining("from the client's PATH") as unknown });
    expect(about('blindfold-keyed')).toMatchObject({ status: 'warn', message: expect.stringContaining('holds the master key itself') as unknown });
    expect(about('blindfold-gone')).toMatchObject({ status: 'fail', message: expect.stringContaining('does not exist or cannot be run') as unknown });
  });

  it('warns when no client has an entry, naming the files it looked in', () => {
    const clients = find(doctor().report, 'clients');
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ status: 'warn', message: expect.stringContaining(join(t.env.HOME!, '.claude.json')) as unknown });
    expect(clients[0]!.fix).toContain('blindfold serve');
  });
});
