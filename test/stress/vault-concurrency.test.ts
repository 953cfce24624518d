// Many writers at once (SPEC §8, §11): no update is lost. Crashes inside writes: vault-crash.test.ts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modeOf, REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

/**
 * One writer process: opens the vault through the built library (the admin operations the CLI's
 * `set` runs) and makes its sets one after another, reporting each. The processes, their file
 * locks and their one audit chain are what is under test; a CLI process per set would spend the
 * run starting Node (800 starts took three minutes on CI's two cores).
 */
function writerScript(prefix: string, count: number): string {
  return `
    (async () => {
      const { openBlindfold } = await import(${JSON.stringify(pathToFileURL(join(REPO, 'dist/open.js')).href)});
      const core = await openBlindfold({ principal: 'writer-${prefix}' });
      for (let i = 0; i < ${count}; i++) {
        const name = '${prefix}_' + i;
        let code = 0;
        try {
          await core.admin.set({ name, value: 'value-of-' + name + '-0123456789abcdef', hosts: ['api.example.com'] });
        } catch (err) {
          code = 1;
          process.stderr.write(String(err && err.code) + '\\n');
        }
        process.stdout.write(JSON.stringify({ name, code }) + '\\n');
      }
      await core.close();
    })();`;
}

describe('concurrent writers', () => {
  it('8 processes × 100 concurrent sets (SPEC §11) end with all 800 secrets', async () => {
    const runs = Array.from({ length: 8 }, (_, p) => {
      const child = spawn(process.execPath, ['-e', writerScript(`P${p}`, 100)], { env: t.env });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      return new Promise<string>((res) => child.on('close', () => res(out)));
    });
    const outputs = await Promise.all(runs);
    const results = outputs.flatMap((o) => o.trim().split('\n').map((l) => JSON.parse(l) as { name: string; code: number }));
    expect(results).toHaveLength(800);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const list = JSON.parse(runCli(['list', '--json'], { env: t.env }).stdout) as { secrets: Array<{ name: string }> };
    expect(list.secrets).toHaveLength(800);
    const check = JSON.parse(runCli(['check', '--json'], { env: t.env }).stdout);
    expect(check.values).toBe(800);
    expect(modeOf(join(t.home, 'vault.json'))).toBe(0o600);
    // The 8 writers also shared one audit chain: every create is on it, in one unbroken chain.
    const verify = runCli(['audit', 'verify', '--json'], { env: t.env });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const creates = JSON.parse(runCli(['audit', '--action', 'secret.create', '--json'], { env: t.env }).stdout) as unknown[];
    expect(creates).toHaveLength(800);
  }, 600_000);
});
