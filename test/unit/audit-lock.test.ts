// The cross-process audit lock: a busy lock is waited for without freezing the event loop (a server
// keeps serving other requests meanwhile), and a lock left behind is broken even when its pid now
// belongs to another, live process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, appendUnsignedNotice } from '../../src/store/audit/log.js';
import { readAudit, verifyAudit } from '../../src/store/audit/query.js';
import type { AuditFields } from '../../src/audit/chain.js';

let dir: string;
let path: string;
const key = new Uint8Array(randomBytes(32));
const vaultId = 'vault-under-test';
const entry: AuditFields = { action: 'secret.resolve', principal: 'stdio', secrets: ['KEY'], outcome: 'ok' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-audit-lock-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('audit lock', () => {
  it('waits for a busy lock without blocking the event loop, and appends once it is released', async () => {
    // A fresh lock held by a live process (this one stands in for another writer).
    writeFileSync(`${path}.lock`, String(process.pid));
    const log = new AuditLog({ path, key, vaultId });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const started = Date.now();
      const pending = log.append(entry);
      let settled = false;
      void pending.then(() => (settled = true), () => (settled = true));
      await sleep(150);
      expect(settled).toBe(false);
      expect(ticks).toBeGreaterThanOrEqual(5);
      unlinkSync(`${path}.lock`);
      const written = await pending;
      expect(written?.seq).toBe(1);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      clearInterval(timer);
      log.close();
    }
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true, entries: 1 });
  });

  it('breaks an old lock even when its pid belongs to a live process (pid reuse)', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(`${path}.lock`, String(sleeper.pid));
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${path}.lock`, old, old);
      const log = new AuditLog({ path, key, vaultId });
      const started = Date.now();
      expect((await log.append(entry))?.seq).toBe(1);
      expect(Date.now() - started).toBeLessThan(1_000);
      log.close();
      expect(existsSync(`${path}.lock`)).toBe(false);
    } finally {
      sleeper.kill();
    }
  });

  it('an unsigned notice does not freeze the process while the lock is busy', async () => {
    writeFileSync(`${path}.lock`, String(process.pid));
    const started = Date.now();
    appendUnsignedNotice(path, { action: 'vault.sealed', principal: 'cli:test', outcome: 'denied' });
    expect(Date.now() - started).toBeLessThan(500);
    unlinkSync(`${path}.lock`);
    // Best effort: it lands once the lock is free.
    for (let i = 0; i < 100 && !existsSync(path); i++) await sleep(10);
    expect(readAudit(path).map((e) => e.action)).toEqual(['vault.sealed']);
  });
});
