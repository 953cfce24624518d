// The guessability floor through the built CLI: `set` and `import` refuse a guessable value with
// exit 2 and a message naming --allow-guessable (never the value), and store it with the flag.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesContaining, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf, seedVault } from '../helpers/inprocess.js';

const PIN = '20240101';
const WORD = 'password1';
const STRONG = 'sk-live-4eC39HqLyjWDarjtT1zdp7dc';

let t: TempHome;
beforeEach(async () => {
  t = tempHome();
  await seedVault(t.env); // what `blindfold init` leaves
});
afterEach(() => t.cleanup());

const cli = (args: string[], input?: string) => runCli(args, { env: t.env, ...(input !== undefined ? { input } : {}) });
/** What the vault holds, read in-process: the commands under test are set and import, not list. */
const names = async () => (await openVaultOf(t.env)).names();

describe('set', () => {
  it('refuses a PIN-like value with exit 2, saying why and naming the flag, and writes nothing', async () => {
    for (const value of [PIN, WORD, 'qwertyui', 'aaaaaaaa', '12345678']) {
      const r = cli(['set', 'PIN_CODE', '--host', 'api.example.com'], value);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--allow-guessable');
      expect(r.stderr).toMatch(/guess/);
      expect(r.stdout + r.stderr).not.toContain(value);
    }
    expect(await names()).toEqual([]);
    expect(filesContaining(t.home, [PIN, WORD])).toEqual([]);
  });

  it('accepts it with --allow-guessable, and real keys without', async () => {
    let r = cli(['set', 'PIN_CODE', '--host', 'api.example.com', '--allow-guessable'], PIN);
    expect(r.code, r.stderr).toBe(0);
    r = cli(['set', 'API_KEY', '--host', 'api.example.com'], STRONG);
    expect(r.code, r.stderr).toBe(0);
    expect((await names()).sort()).toEqual(['API_KEY', 'PIN_CODE']);
  });

  it('--keep-value changes settings of a stored guessable value without the flag', () => {
    expect(cli(['set', 'PIN_CODE', '--host', 'api.example.com', '--allow-guessable'], PIN).code).toBe(0);
    const r = cli(['set', 'PIN_CODE', '--keep-value', '--description', 'door code']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('import', () => {
  function envFile(text: string): string {
    const file = join(t.home, '..', 'in.env');
    writeFileSync(file, text);
    return file;
  }

  it('reports the weak line as file:line without its value, imports nothing, and honours the flag', async () => {
    const file = envFile(`API_KEY=${STRONG}\nDOOR_PIN=${PIN}\nADMIN_PASSWORD=${WORD}\n`);
    let r = cli(['import', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:`);
    expect(r.stderr).toContain(`${file}:3:`);
    expect(r.stderr).not.toContain(`${file}:1:`);
    expect(r.stderr).toContain('--allow-guessable');
    expect(r.stdout + r.stderr).not.toContain(PIN);
    expect(r.stdout + r.stderr).not.toContain(WORD);
    expect(await names()).toEqual([]);
    r = cli(['import', file, '--allow-guessable']);
    expect(r.code, r.stderr).toBe(0);
    expect((await names()).sort()).toEqual(['ADMIN_PASSWORD', 'API_KEY', 'DOOR_PIN']);
  });
});
