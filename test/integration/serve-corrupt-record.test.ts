// `serve` checks each secret record when it is first read rather than all before tools/list (B4).
// A record damaged by hand must still end the server as a damaged vault always did: the one-line
// VAULT_CORRUPT error, exit 3, the file untouched. The redaction index reads every record right
// after start, so the server finds it on its own, with its client still connected and silent.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';
import { readVaultDocument, writeVaultDocument } from '../helpers/vault-file.js';

let t: TempHome;
beforeEach(async () => {
  t = tempHome();
  await seedVault(t.env, [
    { name: 'GOOD_KEY', value: 'good-value-Zq9xW2vR7tY4', hosts: ['a.example.com'] },
    { name: 'BAD_KEY', value: 'bad-value-Kx8wV3uQ6sP1', hosts: ['b.example.com'] },
  ]);
  const path = join(t.home, 'vault.json');
  const doc = readVaultDocument(path);
  doc.secrets.BAD_KEY.policy.hosts = 'evil.example.com'; // a string where the host list belongs
  writeVaultDocument(path, doc, 1);
});
afterEach(() => t.cleanup());

/** `serve` with its stdin held open, as a client holds it: it must end by itself. */
function serveUntilItEnds(): Promise<RunResult> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: t.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const refusal = /blindfold: error: the vault file .*vault\.json is not a valid Blindfold vault \(at secrets\.BAD_KEY\.policy\.hosts\).* \[VAULT_CORRUPT\]/;

describe('a damaged secret record', () => {
  it('ends serve with the one-line VAULT_CORRUPT error and exit 3, leaving the file as it was', async () => {
    const before = readFileSync(join(t.home, 'vault.json'));
    const r = await serveUntilItEnds();
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(refusal);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(r.stdout).toBe('');
    expect(readFileSync(join(t.home, 'vault.json')).equals(before)).toBe(true);
  });

  it('is still refused at open by every other command, even one that reads only a good record', () => {
    for (const args of [['show', 'GOOD_KEY'], ['list'], ['check']]) {
      const r = runCli(args, { env: t.env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(refusal);
    }
  });
});

describe('a secrets map holding a key that is no secret name', () => {
  // serve checks the map in place rather than copying it (B4): a key such as "__proto__" must still
  // be refused before anything reads it, by serve and by every other command alike.
  for (const key of ['__proto__', 'not a name']) {
    it(`"${key}": serve and the CLI both refuse the file with VAULT_CORRUPT and exit 3`, async () => {
      const path = join(t.home, 'vault.json');
      const doc = readVaultDocument(path);
      doc.secrets.BAD_KEY.policy.hosts = ['b.example.com'];
      writeVaultDocument(path, doc);
      // Written as text: assigning doc.secrets["__proto__"] would set a prototype, not add a key.
      const record = JSON.stringify(doc.secrets.GOOD_KEY);
      writeFileSync(path, readFileSync(path, 'utf8').replace('"secrets":{', `"secrets":{${JSON.stringify(key)}:${record},`));
      expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).document.secrets)).toContain(key);
      const served = await serveUntilItEnds();
      expect(served.code, served.stderr).toBe(3);
      expect(served.stderr).toMatch(/is not a valid Blindfold vault \(at secrets.*\[VAULT_CORRUPT\]/);
      const listed = runCli(['list'], { env: t.env });
      expect(listed.code, listed.stderr).toBe(3);
      expect(listed.stderr).toMatch(/\[VAULT_CORRUPT\]/);
    });
  }
});
