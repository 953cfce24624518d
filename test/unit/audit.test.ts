import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import { parseSince, readAudit, verifyAudit } from '../../src/audit/query.js';

let dir: string;
let path: string;
const key = new Uint8Array(randomBytes(32));
const vaultId = 'vault-under-test';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-audit-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeEntries(n: number, log = new AuditLog({ path, key, vaultId })): AuditLog {
  for (let i = 0; i < n; i++) {
    log.append({ action: 'secret.resolve', principal: 'stdio', secrets: [`KEY_${i % 3}`], env: 'development', method: 'GET', origin: 'https://api.example.com', path: '/v1/x', outcome: 'ok' });
  }
  return log;
}

const lines = () => readFileSync(path, 'utf8').trimEnd().split('\n');
const save = (ls: string[]) => writeFileSync(path, `${ls.join('\n')}\n`);

describe('audit chain', () => {
  it('verifies an untouched log and numbers entries from 1', () => {
    writeEntries(10).close();
    const r = verifyAudit(path, key, vaultId);
    expect(r).toEqual({ ok: true, entries: 10 });
    expect(readAudit(path).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('continues one chain across separate writers (processes) of the same file', () => {
    writeEntries(3).close();
    writeEntries(3).close();
    const a = new AuditLog({ path, key, vaultId });
    const b = new AuditLog({ path, key, vaultId });
    writeEntries(2, a);
    writeEntries(2, b);
    writeEntries(1, a);
    a.close();
    b.close();
    expect(verifyAudit(path, key, vaultId)).toEqual({ ok: true, entries: 11 });
  });

  it('detects an edited entry and names it', () => {
    writeEntries(5).close();
    const ls = lines();
    ls[2] = ls[2]!.replace('"KEY_2"', '"KEY_9"');
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/:3 \(seq 3\).*edited/);
  });

  it('detects a removed entry', () => {
    writeEntries(5).close();
    const ls = lines();
    ls.splice(1, 1);
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/seq 3.*missing/);
  });

  it('detects an inserted (forged) entry', () => {
    writeEntries(4).close();
    const ls = lines();
    const forged = JSON.parse(ls[1]!);
    forged.principal = 'attacker';
    ls.splice(2, 0, JSON.stringify(forged));
    save(ls);
    expect(verifyAudit(path, key, vaultId).ok).toBe(false);
  });

  it('detects reordered entries', () => {
    writeEntries(4).close();
    const ls = lines();
    [ls[1], ls[2]] = [ls[2]!, ls[1]!];
    save(ls);
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/seq 3/);
  });

  it('detects a cut tail through the head record', () => {
    writeEntries(6).close();
    save(lines().slice(0, 4));
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/ends at seq 4 but 6 .* cut/);
  });

  it('detects a log verified with another key (forged from scratch)', () => {
    writeEntries(3).close();
    expect(verifyAudit(path, new Uint8Array(randomBytes(32)), vaultId).ok).toBe(false);
  });

  it('rotates past a size and carries the chain into the new file', () => {
    const log = new AuditLog({ path, key, vaultId, rotateBytes: 2_000 });
    writeEntries(30, log).close();
    expect(readFileSync(`${path}.1`, 'utf8').length).toBeGreaterThan(0);
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true, entries: 30 });
    expect(readAudit(path).map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('refuses to append (fails closed) when the file cannot be written', () => {
    mkdirSync(path); // a directory where the file should be
    const log = new AuditLog({ path, key, vaultId });
    expect(() => log.append({ action: 'secret.resolve', principal: 'stdio', outcome: 'ok' })).toThrowError(/AUDIT|cannot be written/);
  });

  it('filters by secret, action, principal and time', () => {
    const log = writeEntries(6);
    log.append({ action: 'request.denied', principal: 'agent-2', secrets: ['KEY_1'], outcome: 'denied', reason: 'HOST_NOT_ALLOWED' });
    log.close();
    expect(readAudit(path, { secret: 'KEY_1' })).toHaveLength(3);
    expect(readAudit(path, { action: 'request.denied' })).toHaveLength(1);
    expect(readAudit(path, { principal: 'agent-2' })[0]?.reason).toBe('HOST_NOT_ALLOWED');
    expect(readAudit(path, { since: new Date(Date.now() + 60_000) })).toHaveLength(0);
  });

  it('parses --since durations and dates', () => {
    expect(Date.now() - parseSince('1h').getTime()).toBeGreaterThanOrEqual(3_600_000 - 5);
    expect(parseSince('2026-01-01T00:00:00Z').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseSince('yesterday-ish')).toThrowError(/--since/);
  });
});
