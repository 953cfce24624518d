import { readFileSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { readVaultDocument, writeVaultDocument } from '../helpers/vault-file.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesContaining, modeOf, runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf, seedSecret, seedVault } from '../helpers/inprocess.js';

const VALUE_A = 'sk-live-AAAA-7f3c9e1b2d4a6f8e0c1b3d5f7a9e';
const VALUE_B = 'ghp_BBBB_0123456789abcdefABCDEF0123456789';
const VALUE_C = 'xoxb-CCCC-multi"quote\\slash-ünïcödé';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
});
afterEach(() => t.cleanup());

const cli = (args: string[], input?: string) => runCli(args, { env: t.env, input });
const vaultPath = () => join(t.home, 'vault.json');

/** A vault holding one secret, made in-process: the tests using it are about other commands. */
const seedOne = (name = 'KEY_ONE') => seedVault(t.env, [{ name, value: VALUE_A, hosts: ['a.example.com'] }]);

function setOk(name: string, value: string, ...flags: string[]) {
  const r = cli(['set', name, ...flags], value);
  expect(r.stderr + r.stdout).not.toContain(value);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('first run and files', () => {
  it('creates home 0700, key 0600 and vault 0600, and says so on stderr', () => {
    const r = cli(['init']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('created a new master key');
    expect(modeOf(t.home)).toBe(0o700);
    expect(modeOf(join(t.home, 'master.key'))).toBe(0o600);
    expect(modeOf(vaultPath())).toBe(0o600);
  });

  it('never writes a plaintext to any file in the home folder, and keeps the vault 0600 across writes', () => {
    expect(cli(['init']).code).toBe(0);
    setOk('OPENAI_API_KEY', VALUE_A, '--preset', 'openai');
    setOk('GITHUB_TOKEN', VALUE_B, '--host', 'api.github.com', '--env', 'production');
    setOk('SLACK_TOKEN', VALUE_C, '--host', 'slack.com');
    setOk('OPENAI_API_KEY', `${VALUE_A}-v2`, '--preset', 'openai');
    expect(modeOf(vaultPath())).toBe(0o600);
    expect(filesContaining(t.home, [VALUE_A, VALUE_B, VALUE_C, `${VALUE_A}-v2`])).toEqual([]);
  });

  it('refuses a value given on the command line without echoing it', () => {
    const r = cli(['set', 'X_KEY', VALUE_A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('never taken from argv');
    expect(r.stderr + r.stdout).not.toContain(VALUE_A);
    const r2 = cli(['set', 'X_KEY', `--value=${VALUE_A}`]);
    expect(r2.code).toBe(2);
    expect(r2.stderr + r2.stdout).not.toContain(VALUE_A);
  });

  it('refuses short values unless --allow-short, and bad names quoting the rule', () => {
    expect(cli(['init']).code).toBe(0);
    let r = cli(['set', 'SHORT', '--host', 'x.example.com'], 'abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-short');
    // Five characters are guessable too: the short flag alone is not enough, both are needed.
    r = cli(['set', 'SHORT', '--host', 'x.example.com', '--allow-short'], 'abc12');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-guessable');
    r = cli(['set', 'SHORT', '--host', 'x.example.com', '--allow-short', '--allow-guessable'], 'abc12');
    expect(r.code, r.stderr).toBe(0);
    r = cli(['set', '9bad-name'], VALUE_A);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('^[A-Za-z][A-Za-z0-9_]{0,63}$');
  });

  it('reads values from --from-env and --from-file', () => {
    expect(cli(['init']).code).toBe(0);
    const file = join(t.home, '..', 'value.txt');
    writeFileSync(file, `${VALUE_B}\n`);
    let r = runCli(['set', 'FROM_ENV', '--from-env', 'MY_VAR', '--host', 'a.example.com'], { env: { ...t.env, MY_VAR: VALUE_A } });
    expect(r.code, r.stderr).toBe(0);
    r = cli(['set', 'FROM_FILE', '--from-file', file, '--host', 'a.example.com']);
    expect(r.code, r.stderr).toBe(0);
    r = cli(['check', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, values: 2 });
  });
});

describe('listings never print values', () => {
  it('list, show, history (and their --json) show metadata but no value', () => {
    expect(cli(['init']).code).toBe(0);
    setOk('OPENAI_API_KEY', VALUE_A, '--preset', 'openai', '--description', 'OpenAI prod', '--meta', 'owner=ml-team');
    setOk('OPENAI_API_KEY', VALUE_B, '--env', 'production');
    const outputs = [
      cli(['list']),
      cli(['list', '--json']),
      cli(['show', 'OPENAI_API_KEY']),
      cli(['show', 'OPENAI_API_KEY', '--json']),
      cli(['history', 'OPENAI_API_KEY']),
      cli(['history', 'OPENAI_API_KEY', '--json']),
    ];
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(VALUE_A);
      expect(r.stdout + r.stderr).not.toContain(VALUE_B);
    }
    const shown = JSON.parse(outputs[3]!.stdout).secret;
    expect(shown).toMatchObject({
      name: 'OPENAI_API_KEY',
      description: 'OpenAI prod',
      metadata: { owner: 'ml-team' },
      environments: ['development', 'production'],
      hosts: ['https://api.openai.com:443'],
      version: 2,
    });
    const history = JSON.parse(outputs[5]!.stdout).versions;
    expect(history.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('rolls back to an earlier version as a new version', async () => {
    await seedSecret(t.env, 'ROLL_KEY', VALUE_A, '--host', 'a.example.com');
    await seedSecret(t.env, 'ROLL_KEY', VALUE_B);
    const r = cli(['rollback', 'ROLL_KEY', '--to', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).secret.version).toBe(3);
    expect(cli(['rollback', 'ROLL_KEY', '--to', '9']).code).toBe(4);
    expect(cli(['check']).code).toBe(0);
  });

  it('removes a secret; a missing one exits 4', async () => {
    await seedSecret(t.env, 'GONE_KEY', VALUE_A, '--host', 'a.example.com');
    expect(cli(['rm', 'GONE_KEY']).code).toBe(0);
    expect(cli(['show', 'GONE_KEY']).code).toBe(4);
    expect(cli(['rm', 'GONE_KEY']).code).toBe(4);
  });

  it('imports a .env file, with presets guessed from names', () => {
    const file = join(t.home, '..', 'prod.env');
    writeFileSync(file, `# comment\nexport OPENAI_API_KEY=${VALUE_A}\nGITHUB_TOKEN="${VALUE_B}"\nOTHER_KEY='${VALUE_A}-x' # trailing\n`);
    expect(cli(['init']).code).toBe(0);
    const r = cli(['import', file, '--env', 'production', '--preset-from-name', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(VALUE_A);
    expect(JSON.parse(r.stdout).created.sort()).toEqual(['GITHUB_TOKEN', 'OPENAI_API_KEY', 'OTHER_KEY']);
    const gh = JSON.parse(cli(['show', 'GITHUB_TOKEN', '--json']).stdout).secret;
    expect(gh.hosts).toEqual(['https://api.github.com:443']);
    expect(gh.environments).toEqual(['production']);
    expect(filesContaining(t.home, [VALUE_A, VALUE_B])).toEqual([]);
  });
});

describe('sealed and damaged vaults', () => {
  it('a wrong key fails clearly and leaves the vault byte-identical', async () => {
    await seedOne();
    const before = readFileSync(vaultPath());
    const wrongKey = Buffer.alloc(32, 7).toString('base64');
    const commands = [['list'], ['set', 'KEY_TWO'], ['rm', 'KEY_ONE'], ['rotate-key'], ['check']];
    // All refused before touching anything, so they may as well run at once.
    const results = await Promise.all(commands.map((args) => runCliAsync(args, { env: { ...t.env, BLINDFOLD_MASTER_KEY: wrongKey }, input: VALUE_B }).done));
    for (const [i, r] of results.entries()) {
      expect(r.code, commands[i]!.join(' ')).toBe(3);
      expect(r.stderr).toContain('sealed');
      expect(r.stderr).not.toContain(wrongKey);
    }
    expect(readFileSync(vaultPath()).equals(before)).toBe(true);
  });

  it('a missing key file with an existing vault is sealed, and no new key is made', async () => {
    await seedOne();
    const keyFile = join(t.home, 'master.key');
    const key = readFileSync(keyFile);
    writeFileSync(keyFile, ''); // emptied
    const before = readFileSync(vaultPath());
    let r = cli(['list']);
    expect(r.code).toBe(3);
    writeFileSync(keyFile, key);
    r = cli(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(vaultPath()).equals(before)).toBe(true);
  });

  for (const [label, content] of [
    ['empty', ''],
    ['null', 'null'],
    ['truncated', null],
    ['not a vault', '{"hello": "world"}'],
  ] as const) {
    it(`refuses a vault file that is ${label} and leaves it byte-identical`, async () => {
      await seedOne();
      const full = readFileSync(vaultPath(), 'utf8');
      const broken = content ?? full.slice(0, Math.floor(full.length / 2));
      writeFileSync(vaultPath(), broken);
      const commands = [['list'], ['set', 'KEY_TWO', '--host', 'b.example.com'], ['init']];
      const results = await Promise.all(commands.map((args) => runCliAsync(args, { env: t.env, input: VALUE_B }).done));
      for (const [i, r] of results.entries()) {
        expect(r.code, `${commands[i]!.join(' ')}: ${r.stderr}`).toBe(3);
        expect(r.stderr).toMatch(/vault file .* (is empty|holds null|not valid JSON|not a valid Blindfold vault)/);
      }
      expect(readFileSync(vaultPath(), 'utf8')).toBe(broken);
    });
  }
});

describe('tampering with ciphertexts fails authentication cleanly', () => {
  type Vault = { secrets: Record<string, { values: Record<string, { ct: string; wk: string }> }> };
  const load = () => readVaultDocument(vaultPath()) as Vault;
  const save = (v: Vault) => writeVaultDocument(vaultPath(), v);
  const flip = (b64: string, index: number) => {
    const bytes = Buffer.from(b64, 'base64');
    const i = index < 0 ? bytes.length + index : index;
    bytes[i] = bytes[i]! ^ 0x01;
    return bytes.toString('base64');
  };

  beforeEach(async () => {
    await seedVault(t.env, [
      { name: 'FIRST_KEY', value: VALUE_A, hosts: ['a.example.com'] },
      { name: 'SECOND_KEY', value: VALUE_B, hosts: ['a.example.com'] },
    ]);
    // Both values decrypt before the tampering (what `blindfold check` would say).
    const vault = await openVaultOf(t.env);
    expect([vault.resolve('FIRST_KEY', 'development'), vault.resolve('SECOND_KEY', 'development')]).toEqual([VALUE_A, VALUE_B]);
  });

  const cases: Array<[string, (v: Vault) => void]> = [
    ['swapped value ciphertexts', (v) => {
      const a = v.secrets.FIRST_KEY!.values.development!;
      const b = v.secrets.SECOND_KEY!.values.development!;
      [a.ct, b.ct] = [b.ct, a.ct];
    }],
    ['swapped whole records', (v) => {
      const a = v.secrets.FIRST_KEY!.values;
      v.secrets.FIRST_KEY!.values = v.secrets.SECOND_KEY!.values;
      v.secrets.SECOND_KEY!.values = a;
    }],
    ['moved to another environment', (v) => {
      const values = v.secrets.FIRST_KEY!.values;
      values.production = values.development!;
      delete values.development;
    }],
    ['flipped nonce byte', (v) => { const e = v.secrets.FIRST_KEY!.values.development!; e.ct = flip(e.ct, 3); }],
    ['flipped tag byte', (v) => { const e = v.secrets.FIRST_KEY!.values.development!; e.ct = flip(e.ct, -1); }],
    ['flipped ciphertext byte', (v) => { const e = v.secrets.FIRST_KEY!.values.development!; e.ct = flip(e.ct, 30); }],
    ['flipped wrapped-key byte', (v) => { const e = v.secrets.FIRST_KEY!.values.development!; e.wk = flip(e.wk, 40); }],
    ['flipped wrapped-key nonce', (v) => { const e = v.secrets.FIRST_KEY!.values.development!; e.wk = flip(e.wk, 0); }],
  ];
  for (const [label, tamper] of cases) {
    it(label, () => {
      const v = load();
      tamper(v);
      save(v);
      const r = cli(['check']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/failed authentication/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr + r.stdout).not.toContain(VALUE_A);
    });
  }
});

describe('passphrase keys', () => {
  it('stretches a passphrase with Argon2id and refuses a different one', () => {
    const pass = 'correct horse battery staple';
    const env = { ...t.env, BLINDFOLD_MASTER_KEY: pass };
    expect(runCli(['init'], { env }).code).toBe(0);
    let r = runCli(['set', 'PASS_KEY', '--host', 'a.example.com'], { env, input: VALUE_A });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(t.home, 'master.key'))).toBe(false);
    const vault = readVaultDocument(vaultPath());
    expect(vault.kdf.type).toBe('argon2id');
    r = runCli(['check'], { env });
    expect(r.code, r.stderr).toBe(0);
    r = runCli(['check'], { env: { ...env, BLINDFOLD_MASTER_KEY: 'incorrect horse battery staple' } });
    expect(r.code).toBe(3);
    expect(statSync(vaultPath()).mode & 0o777).toBe(0o600);
  });
});
