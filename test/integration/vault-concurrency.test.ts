import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, filesContaining, modeOf, runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

const valueFor = (name: string) => `value-of-${name}-0123456789abcdef`;

/** A shell loop would hide exit codes; a small node driver runs N sets in sequence and reports each. */
function writerScript(prefix: string, count: number): string {
  return `
    const { spawnSync } = require('node:child_process');
    for (let i = 0; i < ${count}; i++) {
      const name = '${prefix}_' + i;
      const r = spawnSync(process.execPath, [${JSON.stringify(CLI)}, 'set', name, '--host', 'api.example.com'],
        { input: 'value-of-' + name + '-0123456789abcdef', encoding: 'utf8' });
      process.stdout.write(JSON.stringify({ name, code: r.status }) + '\\n');
    }`;
}

describe('concurrent writers', () => {
  it('8 processes × 25 concurrent sets end with all 200 secrets', async () => {
    const runs = Array.from({ length: 8 }, (_, p) => {
      const child = spawn(process.execPath, ['-e', writerScript(`P${p}`, 25)], { env: t.env });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      return new Promise<string>((res) => child.on('close', () => res(out)));
    });
    const outputs = await Promise.all(runs);
    const results = outputs.flatMap((o) => o.trim().split('\n').map((l) => JSON.parse(l) as { name: string; code: number }));
    expect(results).toHaveLength(200);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const list = JSON.parse(runCli(['list', '--json'], { env: t.env }).stdout) as { secrets: Array<{ name: string }> };
    expect(list.secrets).toHaveLength(200);
    const check = JSON.parse(runCli(['check', '--json'], { env: t.env }).stdout);
    expect(check.values).toBe(200);
    expect(modeOf(join(t.home, 'vault.json'))).toBe(0o600);
    // The 8 writers also shared one audit chain: every create is on it, in one unbroken chain.
    const verify = runCli(['audit', 'verify', '--json'], { env: t.env });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const creates = JSON.parse(runCli(['audit', '--action', 'secret.create', '--json'], { env: t.env }).stdout) as unknown[];
    expect(creates).toHaveLength(200);
  }, 180_000);
});

describe('crashes', () => {
  it('SIGKILL of writers at random moments (25 kills) leaves a vault that opens with every committed write', async () => {
    const committed: string[] = [];
    let kills = 0;
    for (let round = 0; round < 25; round++) {
      // Two writers racing, one of which is killed at a random moment of its life.
      const victimName = `KILLED_${round}`;
      const survivorName = `SURVIVOR_${round}`;
      const victim = runCliAsync(['set', victimName, '--host', 'api.example.com'], { env: t.env, input: valueFor(victimName) });
      const survivor = runCliAsync(['set', survivorName, '--host', 'api.example.com'], { env: t.env, input: valueFor(survivorName) });
      await new Promise((r) => setTimeout(r, Math.random() * 250));
      if (victim.child.exitCode === null) {
        victim.child.kill('SIGKILL');
        kills++;
      }
      const [v, s] = await Promise.all([victim.done, survivor.done]);
      if (v.code === 0) committed.push(victimName);
      expect(s.code, s.stderr).toBe(0);
      committed.push(survivorName);
      const list = runCli(['list', '--json'], { env: t.env });
      expect(list.code, list.stderr).toBe(0);
      const names = (JSON.parse(list.stdout) as { secrets: Array<{ name: string }> }).secrets.map((x) => x.name);
      for (const name of committed) expect(names).toContain(name);
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(runCli(['check'], { env: t.env }).code).toBe(0);
    expect(modeOf(join(t.home, 'vault.json'))).toBe(0o600);
  }, 240_000);

  it('rotate-key killed midway and run again leaves every value readable under the new key', async () => {
    const lines = Array.from({ length: 1500 }, (_, i) => `K_${i}=${valueFor(`K_${i}`)}`).join('\n');
    const envFile = join(t.home, '..', 'many.env');
    writeFileSync(envFile, lines);
    expect(runCli(['import', envFile, '--host', 'api.example.com'], { env: t.env }).code).toBe(0);
    const oldKey = readFileSync(join(t.home, 'master.key'), 'utf8');

    let interrupted = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const run = runCliAsync(['rotate-key'], { env: t.env });
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 400));
      if (run.child.exitCode === null) {
        run.child.kill('SIGKILL');
        interrupted++;
      }
      await run.done;
    }
    expect(interrupted).toBeGreaterThan(0);
    const finish = runCli(['rotate-key', '--json'], { env: t.env, timeoutMs: 120_000 });
    expect(finish.code, finish.stderr).toBe(0);

    const check = runCli(['check', '--json'], { env: t.env, timeoutMs: 60_000 });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).values).toBe(1500);
    expect(readFileSync(join(t.home, 'master.key'), 'utf8')).not.toBe(oldKey);
    // The old key no longer opens the vault.
    const old = runCli(['list'], { env: { ...t.env, BLINDFOLD_MASTER_KEY: oldKey.trim() } });
    expect(old.code).toBe(3);
    expect(filesContaining(t.home, [valueFor('K_0'), valueFor('K_1499')])).toEqual([]);
  }, 240_000);
});
