// rotate-key says where the new key is, to back it up, and that the old backup no longer opens the
// vault (issue 20 item 2: no silent traps).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';

let t: TempHome;
afterEach(() => t.cleanup());

describe('rotate-key', () => {
  it('names the new key file, asks for a backup, and says the old backup is now useless', () => {
    t = tempHome();
    expect(runCli(['init'], { env: t.env }).code).toBe(0);
    const r = runCli(['rotate-key'], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    const keyFile = join(t.home, 'master.key');
    expect(r.stdout).toContain(`the new key is in ${keyFile}`);
    expect(r.stderr).toContain(`back up the new key in ${keyFile}`);
    expect(r.stderr).toContain('a backup of the old key no longer opens the vault');
    const json = runCli(['rotate-key', '--json'], { env: t.env });
    expect(JSON.parse(json.stdout)).toMatchObject({ keyId: 3, keyFile });
  });
});
