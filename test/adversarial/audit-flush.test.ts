// Issue 18 item 7, end to end: a hostile agent drives the real stdio server with a flood of refused
// calls; the trail keeps the real use of a secret, counts every refusal, and `blindfold audit verify`
// (the built CLI) tells a legitimate deletion from a file removed by hand. Rotation and retention
// are driven through the AuditLog's constructor options on the home's own trail (the CLI exposes
// neither), then read back by the CLI.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_FLUSH_MS } from '../../src/audit/aggregate.js';
import type { AuditFields } from '../../src/audit/chain.js';
import { AuditLog } from '../../src/store/audit/log.js';
import { resolvePaths } from '../../src/config.js';
import { Vault } from '../../src/vault/vault.js';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'flush-Zr4Tq8Wm2Xn6Lp9Kv3Hs7';
const FLOOD = 400;
const DAY = 86_400_000;

let t: TempHome;
let stub: Stub;
const cli = (args: string[]) => runCli(args, { env: t.env });
type Entry = { seq: number; action: string; principal: string; secrets?: string[]; count?: number; attack?: boolean };
const audit = (...args: string[]) => JSON.parse(cli(['audit', '--json', ...args]).stdout) as Entry[];

/** useCount as the agent sees it (list_secrets over a fresh stdio server, which reads the trail). */
async function useCount(name: string): Promise<number | undefined> {
  const session = await connectStdio(t.env);
  try {
    const r = await session.call('list_secrets', {});
    const listed = (r.structuredContent as { secrets: { name: string; useCount: number }[] }).secrets;
    return listed.find((s) => s.name === name)?.useCount;
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedSecret(t.env, 'REAL_KEY', VALUE, '--host', stub.origin);
});
afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

describe('a flood of refused calls over MCP', () => {
  it('keeps the real use, counts every refusal in few entries, and useCount holds', async () => {
    let mostEntries = 0;
    const session = await connectStdio(t.env);
    try {
      const ok = await session.call('http_request', { method: 'GET', url: `${stub.url}/me`, headers: { Authorization: 'Bearer <secrets.REAL_KEY>' } });
      expect(ok.isError, visible(ok)).toBeFalsy();
      const began = Date.now();
      for (let i = 0; i < FLOOD; i++) {
        const r = await session.call('http_request', { method: 'GET', url: `https://not-bound.example/p${i}`, headers: { Authorization: 'Bearer <secrets.REAL_KEY>' } });
        expect(r.isError).toBe(true);
      }
      // While the server runs: the first refusal written, the rest counted and written as one
      // entry per COUNT_FLUSH_MS at most (a slow, loaded machine takes longer, hence more entries).
      mostEntries = 2 + Math.ceil((Date.now() - began) / COUNT_FLUSH_MS);
      expect(audit('--action', 'request.denied').length).toBeLessThanOrEqual(mostEntries);
    } finally {
      await session.close();
      expectNoTrace(session.stderr(), [VALUE], 'server stderr');
    }
    const denied = audit('--action', 'request.denied');
    expect(denied.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(FLOOD);
    expect(denied.length).toBeLessThanOrEqual(Math.min(mostEntries + 1, FLOOD / 10));
    const resolves = audit('--action', 'secret.resolve');
    expect(resolves).toHaveLength(1);
    expect(cli(['audit', 'verify']).stdout).toMatch(/^ok:/);
    expect(await useCount('REAL_KEY')).toBe(1);
  });

  it('rotation past retention keeps useCount; a file removed by hand inside retention fails `audit verify`', async () => {
    const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
    let now = Date.now();
    const log = new AuditLog({ path: vault.paths.audit, key: await vault.auditKey(), vaultId: vault.vaultId, rotateBytes: 3_000, now: () => now });
    const use: AuditFields = { action: 'secret.resolve', principal: 'agent', secrets: ['REAL_KEY'], method: 'GET', origin: stub.origin, path: '/me', outcome: 'ok' };
    for (let i = 0; i < 30; i++) await log.append(use);
    now += 91 * DAY; // what was written so far is now past retention
    for (let i = 0; i < 30; i++) await log.append(use);
    log.close();
    expect(audit('--action', 'audit.pruned').length).toBeGreaterThan(0);
    expect(audit()[0]!.seq).toBeGreaterThan(1);
    expect(cli(['audit', 'verify']).stdout).toMatch(/^ok: .*older rotated files were removed/);
    expect(await useCount('REAL_KEY')).toBe(61);
    // Nothing written inside the retention period was deleted: the 30 recent uses are all on the trail.
    expect(audit('--action', 'secret.resolve').length).toBeGreaterThanOrEqual(30);
    // The oldest file kept is inside retention: removing it is a cut.
    const numbered = readdirSync(t.home).filter((n) => /^audit\.jsonl\.\d+$/.test(n));
    const oldest = numbered.sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()))[0]!;
    unlinkSync(join(t.home, oldest));
    const r = cli(['audit', 'verify']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/TAMPERED: .*no signed deletion record/);
  });
});
