// The BLINDFOLD_FAULT test seam (src/vault/faults.ts) the kill -9 tests in test/stress/vault-crash.test.ts
// rely on: it can do nothing but kill at a named point, so a stray or hostile value is inert.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, tempHome, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';

let t: TempHome;
beforeEach(async () => {
  t = tempHome();
  await seedVault(t.env); // what `blindfold init` leaves
});
afterEach(() => t.cleanup());

const valueFor = (name: string) => `value-of-${name}-0123456789abcdef`;

describe('the BLINDFOLD_FAULT test seam', () => {
  it('does nothing but kill at a named point: other values are ignored, a write number not reached is inert', () => {
    for (const [fault, notice] of [
      ['after-rename:1; touch pwned', true],
      ['AFTER-RENAME', true],
      ['after-rename:0', true],
      ['after-rename:2', false], // a valid point, but `set` makes one write
    ] as const) {
      const name = `SEAM_${fault.length}`;
      const r = spawnSync(process.execPath, [CLI, 'set', name, '--host', 'api.example.com'], {
        env: { ...t.env, BLINDFOLD_FAULT: fault },
        input: valueFor(name),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.signal, fault).toBeNull();
      expect(r.status, `${fault}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toContain('blindfold: FAULT ');
      expect(r.stderr.includes('BLINDFOLD_FAULT ignored'), fault).toBe(notice);
    }
    expect(existsSync(join(t.home, '..', 'pwned'))).toBe(false);
    expect(readdirSync(process.cwd()).includes('pwned')).toBe(false);
  });
});
