// The memory audit trail keeps the file backend's retention (issue 19 item 2): entries past the
// retention period leave only after a signed `audit.pruned` entry, verification accepts the front
// that record accounts for, and usage figures survive the entries.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryAuditTrail } from '../../src/audit/memory-trail.js';

const DAY = 86_400_000;

describe('the memory audit trail over time', () => {
  it('prunes entries past retention behind a signed record; verify and usage still hold', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const trail = new MemoryAuditTrail(randomBytes(32), 'vault-id', { now: () => now, retentionDays: 30 });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['OLD'], outcome: 'ok' });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['OLD'], outcome: 'ok' });
    now += 40 * DAY;
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['NEW'], outcome: 'ok' });
    const entries = trail.query();
    expect(entries.map((e) => e.action)).toEqual(['secret.resolve', 'audit.pruned']);
    expect(entries[1]).toMatchObject({ lastSeq: 2 });
    expect(trail.verify()).toMatchObject({ ok: true });
    expect(trail.usage().get('OLD')).toMatchObject({ useCount: 2 });
    expect(trail.usage().get('NEW')).toMatchObject({ useCount: 1 });
  });

  it('a rename hands on the old name\'s uses, pruned ones included, in trail order', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const trail = new MemoryAuditTrail(randomBytes(32), 'vault-id', { now: () => now, retentionDays: 30 });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['OLD'], outcome: 'ok' });
    now += 40 * DAY;
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['OLD'], outcome: 'ok' });
    await trail.append({ action: 'secret.rename', principal: 'cli:admin', secrets: ['OLD', 'NEW'], outcome: 'ok' });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:a', secrets: ['OLD'], outcome: 'ok' });
    expect(trail.query().some((e) => e.action === 'audit.pruned')).toBe(true);
    expect(trail.usage().get('NEW')).toMatchObject({ useCount: 2 });
    expect(trail.usage().get('OLD')).toMatchObject({ useCount: 1 });
  });

  it('nothing inside retention is pruned', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const trail = new MemoryAuditTrail(randomBytes(32), 'vault-id', { now: () => now, retentionDays: 30 });
    for (let i = 0; i < 5; i++) {
      await trail.append({ action: 'request.sent', principal: 'stdio:a', outcome: 'ok' });
      now += DAY;
    }
    expect(trail.query()).toHaveLength(5);
    expect(trail.verify()).toMatchObject({ ok: true, entries: 5 });
  });
});
