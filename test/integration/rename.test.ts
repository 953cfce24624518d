// `blindfold rename OLD NEW` (issue 20 item 4): one audited change that moves a secret to a new
// name. The associated data of every ciphertext binds the name, so every kept version must be
// re-encrypted (a rollback to an old version then decrypts), history and policy are kept, retired
// values' fingerprints follow (still redacted by a server started afterwards), and the change is
// refused while tasks name the old name or token globs tell the names apart, unless --force.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, runCli, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { openForChange, seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const RETIRED = 'sk_live_R3t1redQw8Er5Ty2Ui7Op4AsDf';
const V1 = 'sk_live_F1rstVa1ueXc9Vb6Nm3Lk8JhGf';
const PROD = 'sk_live_Pr0dVa1ueWe3Rt6Yu9Io2Pp5Zx';
const V3 = 'sk_live_Th1rdVa1ueGf5Dd2Ss7Aa4QqWe';
const OTHER = 'ghp_0therSecretZx8Cv5Bn2Mm9Ll6Kk3Jj';
const VALUES = [RETIRED, V1, PROD, V3, OTHER];

let t: TempHome;
let stub: Stub;
let running: StdioSession;
/** Everything the CLI printed in this file, checked for values at the end. */
let printed = '';
const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): RunResult => {
  const r = runCli(args, { env: { ...t.env, ...extraEnv } });
  printed += r.stdout + r.stderr;
  return r;
};
const vaultBytes = () => readFileSync(join(t.home, 'vault.json'));
const historyOf = (name: string) => JSON.parse(cli(['history', name, '--json']).stdout) as { versions: unknown[] };

beforeAll(async () => {
  stub = await startStub({ known: [RETIRED] });
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  // OLD_KEY had a value once, was removed (its value retired, fingerprints kept) and was created again.
  await seedSecret(t.env, 'OLD_KEY', RETIRED, '--host', stub.origin);
  const opened = await openForChange(t.env);
  await opened.vault.remove('OLD_KEY');
  opened.close();
  await seedSecret(t.env, 'OLD_KEY', V1, '--host', stub.origin, '--description', 'the key before its rename', '--placement', 'header');
  await seedSecret(t.env, 'OLD_KEY', PROD, '--env', 'production');
  await seedSecret(t.env, 'OLD_KEY', V3);
  await seedSecret(t.env, 'OTHER_KEY', OTHER, '--host', stub.origin);
  running = await connectStdio(t.env);
});

afterAll(async () => {
  await running?.close();
  await stub?.close();
  if (running) expectNoTrace(running.stderr(), VALUES, 'server stderr');
  expectNoTrace(printed, VALUES, 'CLI output');
  if (t) expect(filesContaining(t.home, VALUES)).toEqual([]);
  t?.cleanup();
});

describe('blindfold rename OLD NEW', () => {
  let before: { history: unknown; show: Record<string, unknown> };
  const shown = (name: string) => (JSON.parse(cli(['show', name, '--json']).stdout) as { secret: Record<string, unknown> }).secret;

  it('refuses a new name that is taken (exit 5), a missing old name (exit 4) and a bad new name (exit 2), writing nothing', () => {
    before = { history: historyOf('OLD_KEY').versions, show: shown('OLD_KEY') };
    const bytes = vaultBytes();
    const taken = cli(['rename', 'OLD_KEY', 'OTHER_KEY']);
    expect(taken.code, taken.stderr).toBe(5);
    expect(taken.stderr).toContain('a secret named OTHER_KEY exists already');
    const missing = cli(['rename', 'NO_SUCH_KEY', 'NEW_KEY']);
    expect(missing.code, missing.stderr).toBe(4);
    expect(missing.stderr).toContain('no secret named NO_SUCH_KEY');
    const bad = cli(['rename', 'OLD_KEY', 'NEW-KEY']);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('BAD_NAME');
    expect(vaultBytes().equals(bytes)).toBe(true);
  });

  it('refuses while a token\'s secret globs match the old name and not the new, naming the token', async () => {
    const opened = await openForChange(t.env);
    await opened.vault.tokens.create({ name: 'ci-bot', secrets: ['OLD_*'] });
    opened.close();
    const bytes = vaultBytes();
    const r = cli(['rename', 'OLD_KEY', 'NEW_KEY']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('SECRET_IN_USE');
    expect(r.stderr).toContain('ci-bot');
    expect(vaultBytes().equals(bytes)).toBe(true);
    const again = await openForChange(t.env);
    await again.vault.tokens.revoke('ci-bot');
    again.close();
  });

  it('refuses while a task names the old name, listing it; --force renames anyway', () => {
    const tasks = join(t.home, 'tasks');
    mkdirSync(tasks, { recursive: true });
    writeFileSync(join(tasks, 'uses-old.yaml'), `name: uses-old\ndescription: reads with the old key\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.url}/echo\n    secret_name: OLD_KEY\n`);
    const bytes = vaultBytes();
    const refused = cli(['rename', 'OLD_KEY', 'NEW_KEY']);
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.stderr).toMatch(/SECRET_IN_USE/);
    expect(refused.stderr).toContain('uses-old');
    expect(refused.stderr).toContain('--force');
    expect(vaultBytes().equals(bytes)).toBe(true);

    const forced = cli(['rename', 'OLD_KEY', 'NEW_KEY', '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('uses-old');
    expect(JSON.parse(forced.stdout)).toMatchObject({ from: 'OLD_KEY', to: 'NEW_KEY', versions: 3, retiredRemembered: 1 });
    rmSync(join(tasks, 'uses-old.yaml'));
  });

  it('keeps the history, description and policy under the new name; the old name is gone', () => {
    expect(historyOf('NEW_KEY').versions).toEqual(before.history);
    // Everything `show` says, description, policy, versions, timestamps and retired values included.
    expect(shown('NEW_KEY')).toEqual({ ...before.show, name: 'NEW_KEY' });
    const old = cli(['show', 'OLD_KEY']);
    expect(old.code).toBe(4);
    const names = (JSON.parse(cli(['list', '--json']).stdout) as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name);
    expect(names).toEqual(['NEW_KEY', 'OTHER_KEY']);
  });

  it('re-encrypted every kept version: each decrypts under the new name, the current ones and one rolled back to', () => {
    // The child compares the value it was given with the one expected; only its exit code comes back.
    const holds = (expected: string, ...flags: string[]) =>
      cli(['exec', '-s', 'NEW_KEY', ...flags, '--', 'sh', '-c', '[ "$NEW_KEY" = "$EXPECTED" ]'], { EXPECTED: expected });
    for (const [expected, flags] of [[V3, []], [PROD, ['--env', 'production']]] as const) {
      const r = holds(expected, ...flags);
      expect(r.code, r.stderr).toBe(0);
    }
    const rolled = cli(['rollback', 'NEW_KEY', '--to', '1']);
    expect(rolled.code, rolled.stderr).toBe(0);
    const r = holds(V1);
    expect(r.code, r.stderr).toBe(0);
    // And a wrong expectation fails, so the check above is not vacuous.
    expect(holds(V3).code).not.toBe(0);
  });

  it('a running server picks it up: lists the new name, not the old, and sends the value under it', async () => {
    const listed = visible(await running.call('list_secrets', {}));
    expect(listed).toContain('NEW_KEY');
    expect(listed).not.toContain('OLD_KEY');
    stub.reset();
    const sent = await running.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { 'X-Api-Key': '<secrets.NEW_KEY>' } });
    expect(sent.isError, visible(sent)).toBeFalsy();
    expect(stub.requests.at(-1)?.headers['x-api-key']).toBe(V1);
    const old = await running.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { 'X-Api-Key': '<secrets.OLD_KEY>' } });
    expect(old.isError).toBe(true);
    expectNoTrace(listed + visible(sent) + visible(old), VALUES);
  });

  it('a retired value stays redacted, under the new name, by a server started after the rename', async () => {
    const fresh = await connectStdio(t.env);
    try {
      const r = await fresh.call('http_request', { method: 'GET', url: `${stub.url}/reflect-known?i=0&as=raw`, headers: { 'X-Api-Key': '<secrets.NEW_KEY>' } });
      expect(r.isError, visible(r)).toBeFalsy();
      expectNoTrace(visible(r), [RETIRED]);
      expect((r.structuredContent as { redacted: string[] }).redacted).toContain('NEW_KEY');
    } finally {
      await fresh.close();
      expectNoTrace(fresh.stderr(), VALUES, 'fresh server stderr');
    }
    expect(shown('NEW_KEY').retiredRemembered).toBe(1);
  });

  it('is audited once under cli:<user> with both names, and the trail verifies', () => {
    const entries = JSON.parse(cli(['audit', '--action', 'secret.rename', '--json']).stdout) as Array<{ principal: string; secrets: string[]; outcome: string }>;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ secrets: ['OLD_KEY', 'NEW_KEY'], outcome: 'ok' });
    expect(entries[0]!.principal).toMatch(/^cli:/);
    const verified = cli(['audit', 'verify']);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
  });
});

describe('rename without an audit trail to write to', () => {
  it('is refused and writes nothing (promise 9)', async () => {
    const h = tempHome();
    try {
      expect(runCli(['init'], { env: h.env }).code).toBe(0);
      await seedSecret(h.env, 'SOME_KEY', V1, '--host', 'api.example.com');
      rmSync(join(h.home, 'audit.jsonl'));
      mkdirSync(join(h.home, 'audit.jsonl'));
      const bytes = readFileSync(join(h.home, 'vault.json'));
      const r = runCli(['rename', 'SOME_KEY', 'OTHER_NAME'], { env: h.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('AUDIT_UNAVAILABLE');
      expect(readFileSync(join(h.home, 'vault.json')).equals(bytes)).toBe(true);
    } finally {
      h.cleanup();
    }
  });

  it('repeats no token-shaped argument given in place of a name', () => {
    const h = tempHome();
    try {
      expect(runCli(['init'], { env: h.env }).code).toBe(0);
      const token = 'ghp_Zq8Xw2Lm5Nv9Rt3Ky7Hb4Jc6Pd1Sf0Ga';
      for (const args of [['rename', token, 'NEW_KEY'], ['rename', 'SOME_KEY', token]]) {
        const r = runCli(args, { env: h.env });
        expect(r.code).not.toBe(0);
        expect(r.stdout + r.stderr).not.toContain(token);
      }
    } finally {
      h.cleanup();
    }
  });
});
