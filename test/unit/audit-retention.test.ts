// Issue 18 item 7 at the level of the writer: the trail cannot be flushed by volume. Constructor
// options make the flood small (rotation size, quota, clock); the mechanisms are the real ones.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditLogOptions } from '../../src/store/audit/log.js';
import { readAudit, usageFromAudit, verifyAudit } from '../../src/store/audit/query.js';
import type { AuditFields } from '../../src/audit/chain.js';

let dir: string;
let path: string;
const key = new Uint8Array(randomBytes(32));
const vaultId = 'vault-under-test';
const DAY = 86_400_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-audit-retention-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (o: Partial<AuditLogOptions> = {}) => new AuditLog({ path, key, vaultId, ...o });
const resolve = (principal = 'honest'): AuditFields => ({ action: 'secret.resolve', principal, secrets: ['REAL_KEY'], method: 'GET', origin: 'https://api.example.com', path: '/v1/me', outcome: 'ok' });
/** A refusal that differs every time (origin and reason), so aggregation alone does not absorb it. */
const refusal = (i: number, principal = 'flooder'): AuditFields => ({ action: 'request.denied', principal, secrets: ['REAL_KEY'], method: 'GET', origin: `https://h${i}.example`, path: `/x/${'a'.repeat(200)}`, outcome: 'denied', reason: `HOST_NOT_ALLOWED_${i % 50}: not bound` });
const rotated = () => readdirSync(dir).filter((n) => /^audit\.jsonl\.\d+$/.test(n));

describe('entry caps', () => {
  it('cuts a long agent-chosen field and names the rest by length and hash', async () => {
    const log = open();
    await log.append({ ...resolve(), path: `/${'p'.repeat(100_000)}`, secrets: Array.from({ length: 1000 }, (_, i) => `N${i}`) });
    log.close();
    const line = readFileSync(path, 'utf8').trim();
    expect(line.length).toBeLessThan(4_000);
    const [e] = readAudit(path);
    expect(e!.path).toMatch(/^\/p+…\[\+99745 bytes sha256:[0-9a-f]{16}\]$/);
    expect(e!.secrets).toHaveLength(33);
    expect(verifyAudit(path, key, vaultId).ok).toBe(true);
  });
});

describe('unsafe characters', () => {
  it('the trail stores bidi, format and separator characters of agent-influenced fields escaped', async () => {
    const bidi = '\u202e\u2066\u200f\u061c\u2028\u2029\u200b\u{e0041}\u001b\u009b';
    const log = open();
    await log.append({ ...resolve(`agent${bidi}`), method: `GET${bidi}`, path: `/a${bidi}`, secrets: [`N${bidi}`] });
    await log.append({ action: 'request.attack', principal: 'a', outcome: 'denied', reason: `x${bidi}` });
    log.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u);
    expect(readAudit(path)[0]!.method).toBe('GET\\u202e\\u2066\\u200f\\u061c\\u2028\\u2029\\u200b\\udb40\\udc41\\u001b\\u009b');
    expect(verifyAudit(path, key, vaultId).ok).toBe(true);
  });
});

describe('retention by time, quota and per-principal share', () => {
  it('a flood of refusals never deletes the file holding a real use; the flooder alone is refused', async () => {
    // Window 0: no aggregation, as if the flood were spread over months.
    const log = open({ rotateBytes: 4_000, quotaBytes: 200_000, principalShare: 0.25, aggregateWindowMs: 0 });
    await log.append(resolve());
    let refused = 0;
    for (let i = 0; i < 3_000; i++) {
      await log.append(refusal(i)).catch(() => refused++);
      log.releaseLease();
    }
    // The flooder hit its share and was refused; the trail kept every file (nothing is past retention).
    expect(refused).toBeGreaterThan(0);
    await expect(log.append(resolve('flooder'))).rejects.toThrow(/share of the audit quota/);
    // Another principal keeps working.
    await log.append(resolve('honest'));
    log.close();
    const all = readAudit(path);
    expect(all.filter((e) => e.action === 'secret.resolve' && e.principal === 'honest')).toHaveLength(2);
    expect(all[0]!.seq).toBe(1); // the first file, with the first real use, is still there
    expect(all.some((e) => e.action === 'audit.quota')).toBe(true);
    expect(rotated().length).toBeGreaterThan(5);
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true });
    expect(usageFromAudit(path).get('REAL_KEY')?.useCount).toBe(2);
  });

  it('at the whole quota, appends are refused, not entries dropped', async () => {
    const log = open({ rotateBytes: 2_000, quotaBytes: 20_000, principalShare: 1 });
    let refused = 0;
    for (let i = 0; i < 200; i++) await log.append(resolve(`p${i}`)).catch(() => refused++);
    log.close();
    expect(refused).toBeGreaterThan(0);
    expect(readAudit(path)[0]!.seq).toBe(1);
    expect(verifyAudit(path, key, vaultId).ok).toBe(true);
  });

  it('deletes only files past retention, on signed record; usage figures survive; a file removed by hand fails verify', async () => {
    let now = Date.now();
    const log = open({ rotateBytes: 1_500, now: () => now });
    for (let i = 0; i < 40; i++) await log.append(resolve());
    expect(rotated().length).toBeGreaterThan(3);
    expect(readAudit(path)[0]!.seq).toBe(1); // inside retention: nothing deleted
    now += 91 * DAY;
    for (let i = 0; i < 10; i++) await log.append(resolve());
    log.close();
    const all = readAudit(path);
    expect(all[0]!.seq).toBeGreaterThan(1);
    expect(all.some((e) => e.action === 'audit.pruned')).toBe(true);
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: true, startsAfterGenesis: true });
    expect(usageFromAudit(path).get('REAL_KEY')?.useCount).toBe(50);
    // Removing a file by hand (it is inside retention) is a cut, not a deletion.
    const oldest = rotated().sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()))[0]!;
    unlinkSync(join(dir, oldest));
    const r = verifyAudit(path, key, vaultId);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/missing: a rotated file was removed/);
  });

  it('an altered usage summary fails verify and is not believed', async () => {
    let now = Date.now();
    const log = open({ rotateBytes: 1_500, now: () => now });
    for (let i = 0; i < 30; i++) await log.append(resolve());
    now += 91 * DAY;
    for (let i = 0; i < 10; i++) await log.append(resolve());
    log.close();
    const summary = `${path}.usage`;
    expect(existsSync(summary)).toBe(true);
    const text = readFileSync(summary, 'utf8');
    const forged = text.replace(/"useCount":(\d+)/, (_, n: string) => `"useCount":${Number(n) + 1000}`);
    writeFileSync(summary, forged);
    expect(verifyAudit(path, key, vaultId)).toMatchObject({ ok: false });
    expect(usageFromAudit(path).get('REAL_KEY')!.useCount).toBeLessThan(40);
  });
});

describe('aggregation', () => {
  it('identical refusals become one entry and one aggregate; counts add up', async () => {
    const log = open();
    const same: AuditFields = { action: 'request.denied', principal: 'agent', origin: 'https://x.example', outcome: 'denied', reason: 'HOST_NOT_ALLOWED: x' };
    for (let i = 0; i < 500; i++) await log.append(same);
    log.close();
    const denied = readAudit(path, { action: 'request.denied' });
    expect(denied).toHaveLength(2);
    expect(denied.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(500);
  });

  it('past the per-principal rate, distinct refusals are counted too', async () => {
    const log = open();
    for (let i = 0; i < 500; i++) await log.append(refusal(i, 'agent'));
    log.close();
    const denied = readAudit(path, { action: 'request.denied' });
    expect(denied.length).toBeLessThan(50);
    expect(denied.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(500);
  });

  it('attack-class entries are never aggregated nor refused by a share', async () => {
    const log = open({ quotaBytes: 1_000_000, principalShare: 0.001 });
    for (let i = 0; i < 50; i++) await log.append(refusal(i, 'agent')).catch(() => undefined);
    for (let i = 0; i < 200; i++) {
      await log.append({ action: 'request.attack', principal: 'agent', outcome: 'denied', reason: 'secret material in the agent input' });
      await log.append({ action: 'request.denied', attack: true, principal: 'agent', outcome: 'denied', reason: 'PARTIAL_HIT' });
    }
    log.close();
    expect(readAudit(path, { action: 'request.attack' })).toHaveLength(200);
    expect(readAudit(path, { action: 'request.denied' }).filter((e) => e.attack)).toHaveLength(200);
  });
});
