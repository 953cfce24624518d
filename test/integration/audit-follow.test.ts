// `blindfold audit --follow` (issue 20 item 4): the entries so far, then each new one as other
// processes write it, with the filters and --json (as JSON lines); across the writer's real
// rotations and retention deletions; ended by SIGINT or SIGTERM with exit 0 and nothing on stderr.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { entries, follow } from '../helpers/follow.js';
import { openVaultOf } from '../helpers/inprocess.js';
import { FileAuditTrail } from '../../src/store/audit/file-trail.js';

const VALUES = ['sk_live_Fw2Lq7Zx4Rt9Kp1Mv6Nc3Hb8', 'ghp_Yd5Tq2Lm8Zw3Rk7Pc1Nx9Hv4Gs6Bf0', 'sk_live_Qp9Wm3Zr6Lt1Kx8Nv4Hc2Bd7'];
let t: TempHome;

function cli(args: string[], input = '') {
  return runCli(args, { env: t.env, input });
}

beforeAll(() => {
  t = tempHome();
  expect(cli(['init']).code).toBe(0);
  expect(cli(['set', 'FIRST_KEY', '--host', 'api.first.example'], VALUES[0]).code).toBe(0);
});

afterAll(() => t?.cleanup());

describe('audit --follow', () => {
  it('--json prints the entries so far, then new ones as JSON lines as they are written; SIGINT ends it with 0', async () => {
    const before = entries(cli(['audit', '--jsonl']).stdout);
    const f = follow(t, ['--json']);
    await f.until((s) => entries(s).length >= before.length);
    expect(cli(['set', 'SECOND_KEY', '--host', 'api.second.example'], VALUES[1]).code).toBe(0);
    await f.until((s) => entries(s).some((e) => e.action === 'secret.create' && e.secrets?.includes('SECOND_KEY')));
    expect(cli(['exec', '-s', 'SECOND_KEY', '--', process.execPath, '-e', '']).code).toBe(0);
    await f.until((s) => entries(s).some((e) => e.action === 'secret.resolve' && e.secrets?.includes('SECOND_KEY')));
    f.child.kill('SIGINT');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const seqs = entries(r.stdout).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // each entry once, in order
    for (const v of VALUES) expect(r.stdout).not.toContain(v);
  });

  it('keeps to the filters, and the text table, until SIGTERM', async () => {
    const f = follow(t, ['--secret', 'THIRD_KEY']);
    await f.until((s) => s.startsWith('TIME'));
    expect(cli(['set', 'OTHER_KEY', '--host', 'api.other.example'], VALUES[2]).code).toBe(0);
    expect(cli(['set', 'THIRD_KEY', '--host', 'api.third.example'], VALUES[0]).code).toBe(0);
    const out = await f.until((s) => /secret\.create +cli:\S+ +THIRD_KEY/.test(s));
    f.child.kill('SIGTERM');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(out).not.toContain('OTHER_KEY');
    expect(out.split('\n')[0]).toMatch(/^TIME +SEQ +ACTION +PRINCIPAL +SECRETS +REQUEST +OUTCOME$/);
  });

  it('follows the writer across rotations and the deletion of rotated files past retention', async () => {
    const vault = await openVaultOf(t.env);
    let now = Date.now();
    // The writer's own rotation, at a small size, and its retention on a clock moved 91 days on.
    const trail = new FileAuditTrail({ path: vault.paths.audit, key: await vault.auditKey(), vaultId: vault.vaultId, rotateBytes: 1_500, now: () => now });
    const f = follow(t, ['--jsonl', '--action', 'secret.resolve']);
    await f.until((s) => entries(s).length >= 1); // SECOND_KEY's use so far: the follower has started
    const rotatedCount = () => readdirSync(t.home).filter((n) => /^audit\.jsonl\.\d+$/.test(n)).length;
    const write = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) await trail.append({ action: 'secret.resolve', principal: 'test', secrets: [`ROT_${i}`], outcome: 'ok' });
      trail.releaseLease();
    };
    await write(0, 20);
    await f.until((s) => s.includes('"ROT_19"'));
    // Stopped while the writer rotates several times: on waking, the files rotated in between are read too.
    const rotatedBefore = rotatedCount();
    f.child.kill('SIGSTOP');
    await write(20, 40);
    expect(rotatedCount()).toBeGreaterThan(rotatedBefore + 2);
    f.child.kill('SIGCONT');
    await f.until((s) => s.includes('"ROT_59"'));
    now += 91 * 86_400_000;
    await write(60, 30);
    trail.close();
    const out = await f.until((s) => s.includes('"ROT_89"'));
    f.child.kill('SIGINT');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rot = entries(out).filter((e) => e.secrets?.[0]?.startsWith('ROT_')).map((e) => e.secrets![0]);
    expect(rot).toEqual(Array.from({ length: 90 }, (_, i) => `ROT_${i}`));
    // The retention deletion happened meanwhile: the trail no longer starts at seq 1.
    expect(entries(cli(['audit', '--jsonl']).stdout)[0]!.seq).toBeGreaterThan(1);
  });
});
