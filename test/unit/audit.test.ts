import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../src/store/audit/log.js';
import { parseSince, readAudit, verifyAudit } from '../../src/store/audit/query.js';

let dir: string;
let path: string;
const key = new Uint8Array(randomBytes(32));
const vaultId = 'vault-under-test';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-audit-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function writeEntries(n: number, log = new AuditLog({ path, key, vaultId })): Promise<AuditLog> {
  for (let i = 0; i < n; i++) {
    await log.append({ action: 'secret.resolve', principal: 'stdio', secrets: [`KEY_${i % 3}`], env: 'development', method: 'GET', origin: 'https://api.example.com', path: '/v1/x', outcome: 'ok' });
  }
  return log;
}

const lines = () => readFileSync(path, 'utf8').trimEnd().split('\n');
const save = (ls: string[]) => writeFileSync(path, `${ls.join('\n')}\n`);

describe('audit chain', () => {
  it('verifies an untouched log and numbers entries from 1', async () => {
    (await writeEntries(10)).close();
    const r = verifyAudit(path, key, vaultId);
    expect(r).toEqual({ ok: true, entries: 10 });
    expect(readAudit(path).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('continues one chain across separate writers (processes) of the same file', async () => {
    (await writeEntries(3)).close();
    (await writeEntries(3)).close();
    const a = new AuditLog({ path, key, vaultId });
    const b = new AuditLog({ path, key, vaultId });
    await writeEntries(2, a);
    await writeEntries(2, b);
    await writeEntries(1, a);
    a.close();
    b.close();
    expect(verifyAudit(path, key, vaultId)).toEqual({ ok: true, entries: 11 });
  });

  it('detects an edited entry and names it', async () => {
    (await writeEntries(5)).close();
    const ls = lines();
    ls[2] = ls[2]!.replace('"KEY_2"', '"KEY_9"');
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/:3 \(seq 3\).*edited/);
  });

  it('detects a removed entry', async () => {
    (await writeEntries(5)).close();
    const ls = lines();
    ls.splice(1, 1);
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/seq 3.*missing/);
  });

  it('detects an inserted (forged) entry', async () => {
    (await writeEntries(4)).close();
    const ls = lines();
    const forged = JSON.parse(ls[1]!);
    forged.principal = 'attacker';
    ls.splice(2, 0, JSON.stringify(forged));
    save(ls);
    expect(verifyAudit(path, key, vaultId).ok).toBe(false);
  });

  it('detects reordered entries', async () => {
    (await writeEntries(4)).close();
    const ls = lines();
    [ls[1], ls[2]] = [ls[2]!, ls[1]!];
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/seq 3/);
  });

  it('detects a cut tail through the head record', async () => {
    (await writeEntries(6)).close();
    save(lines().slice(0, 4));
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/ends at seq 4 but 6 .* cut/);
  });

  it('detects a log verified with another key (forged from scratch)', async () => {
    (await writeEntries(3)).close();
    expect(verifyAudit(path, new Uint8Array(randomBytes(32)), vaultId).ok).toBe(false);
  });

  it('rotates past a size and carries the chain into the new file', async () => {
    const log = new AuditLog({ path, key, vaultId, rotateBytes: 2_000 });
    (await writeEntries(30, log)).close();
    expect(readFileSync(`${path}.1`, 'utf8').length).toBeGreaterThan(0);
    const all = readAudit(path);
    // Each new file opens with a signed `audit.rotated` entry naming what the previous one holds.
    const rotations = all.filter((e) => e.action === 'audit.rotated');
    expect(rotations.length).toBeGreaterThan(0);
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true, entries: 30 + rotations.length });
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(readFileSync(path, 'utf8').split('\n')[0]).toContain('"action":"audit.rotated"');
  });

  describe('a cut at the front', () => {
    it('cutting the first entry is reported, naming seq 1', async () => {
      (await writeEntries(5)).close();
      save(lines().slice(1));
      const r = verifyAudit(path, key, vaultId);
      expect(r.ok).toBe(false);
      expect(r.problem).toMatch(/\(seq 2\).*first missing seq 1\b/);
    });

    it('cutting the first N entries is reported, naming seq 1', async () => {
      (await writeEntries(8)).close();
      save(lines().slice(4));
      const r = verifyAudit(path, key, vaultId);
      expect(r.ok).toBe(false);
      expect(r.problem).toMatch(/\(seq 5\).*entries 1\.\.4.*first missing seq 1\b/);
    });

    it('a real rotation verifies, also once files past retention are deleted; a cut of the oldest kept file does not', async () => {
      let now = Date.now();
      const log = new AuditLog({ path, key, vaultId, rotateBytes: 1_500, now: () => now });
      (await writeEntries(100, log)).close();
      // Files go only past retention (issue 18 item 7): a clock 91 days on lets the writer delete.
      now += 91 * 86_400_000;
      (await writeEntries(20, log)).close();
      expect(readAudit(path)[0]!.seq).toBeGreaterThan(1);
      expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true, startsAfterGenesis: true });
      // Entries cut from the front of the oldest file kept are not a rotation.
      const kept = readdirSync(dir).filter((n) => /\.\d+$/.test(n)).map((n) => Number(n.split('.').pop()));
      const oldest = `${path}.${Math.max(...kept)}`;
      const lines = readFileSync(oldest, 'utf8').trimEnd().split('\n');
      const firstSeq = (JSON.parse(lines[0]!) as { seq: number }).seq;
      for (const cut of [1, 3]) {
        writeFileSync(oldest, `${lines.slice(cut).join('\n')}\n`);
        const r = verifyAudit(path, key, vaultId);
        expect(r.ok, `cut ${cut}`).toBe(false);
        expect(r.problem).toContain(`first missing seq ${firstSeq}`);
      }
    });

    it('rotated files removed by hand (not past retention, no deletion record) fail verify; a cut of the current file too', async () => {
      const log = new AuditLog({ path, key, vaultId, rotateBytes: 2_000 });
      (await writeEntries(30, log)).close();
      for (const n of readdirSync(dir).filter((f) => /\.\d+$/.test(f))) rmSync(join(dir, n), { force: true });
      expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: false });
      expect(verifyAudit(path, key, vaultId).problem).toMatch(/no signed deletion record/);
      const current = lines();
      const firstSeq = (JSON.parse(current[0]!) as { seq: number }).seq;
      save(current.slice(2));
      const r = verifyAudit(path, key, vaultId);
      expect(r.ok).toBe(false);
      expect(r.problem).toContain(`first missing seq ${firstSeq}`);
    });

    it('another writer whose file was rotated under it carries on in the new file', async () => {
      const a = new AuditLog({ path, key, vaultId, rotateBytes: 2_000 });
      const b = new AuditLog({ path, key, vaultId, rotateBytes: 2_000 });
      for (let i = 0; i < 20; i++) {
        await writeEntries(1, a);
        a.releaseLease();
        await writeEntries(1, b);
        b.releaseLease();
      }
      a.close();
      b.close();
      expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true });
    });
  });

  it('refuses to append (fails closed) when the file cannot be written', async () => {
    mkdirSync(path); // a directory where the file should be
    const log = new AuditLog({ path, key, vaultId });
    await expect(log.append({ action: 'secret.resolve', principal: 'stdio', outcome: 'ok' })).rejects.toThrowError(/AUDIT|cannot be written/);
  });

  it('filters by secret, action, principal and time', async () => {
    const log = await writeEntries(6);
    await log.append({ action: 'request.denied', principal: 'agent-2', secrets: ['KEY_1'], outcome: 'denied', reason: 'HOST_NOT_ALLOWED' });
    log.close();
    expect(readAudit(path, { secret: 'KEY_1' })).toHaveLength(3);
    expect(readAudit(path, { action: 'request.denied' })).toHaveLength(1);
    expect(readAudit(path, { principal: 'agent-2' })[0]?.reason).toBe('HOST_NOT_ALLOWED');
    expect(readAudit(path, { since: new Date(Date.now() + 60_000) })).toHaveLength(0);
  });

  it('parses --since durations and dates', async () => {
    // The clock stands still, so the duration is exact (no tolerance for a slow machine to fall outside).
    vi.useFakeTimers({ now: new Date('2026-06-01T12:00:00Z') });
    try {
      expect(parseSince('1h').toISOString()).toBe('2026-06-01T11:00:00.000Z');
      expect(parseSince('7d').toISOString()).toBe('2026-05-25T12:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
    expect(parseSince('2026-01-01T00:00:00Z').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseSince('yesterday-ish')).toThrowError(/--since/);
  });
});
