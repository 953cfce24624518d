// Issue 22: appends refused while the store is away are counted, and written as one `audit.gap`
// entry once the trail takes entries again — before any later entry, by a probe if no call comes.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GapRecordingTrail } from '../../src/audit/gap.js';
import { MemoryAuditTrail } from '../../src/audit/memory-trail.js';
import type { AuditFields } from '../../src/audit/chain.js';
import { BlindfoldError } from '../../src/errors.js';

/** A memory trail that refuses appends while `down` (a database away). */
function switchable(): { trail: MemoryAuditTrail; down: { value: boolean } } {
  const trail = new MemoryAuditTrail(randomBytes(32), 'vault-gap-test');
  const down = { value: false };
  const append = trail.append.bind(trail);
  trail.append = (fields: AuditFields) => (down.value ? Promise.reject(new BlindfoldError('AUDIT_UNAVAILABLE', 'away')) : append(fields));
  return { trail, down };
}

const denied: AuditFields = { action: 'request.denied', principal: 'token:a', outcome: 'denied', reason: 'STORE_UNAVAILABLE' };

afterEach(() => vi.useRealTimers());

describe('the audit gap', () => {
  it('counts refused appends and writes one audit.gap entry before the next entry', async () => {
    const { trail, down } = switchable();
    const gaps = new GapRecordingTrail(trail);
    await gaps.append({ ...denied, action: 'request.sent', outcome: 'ok' });
    down.value = true;
    for (let i = 0; i < 5; i++) await expect(gaps.append(denied)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await expect(gaps.append({ ...denied, action: 'auth.denied' })).rejects.toThrow();
    expect(gaps.open).toBe(true);
    down.value = false;
    await gaps.append({ ...denied, action: 'request.sent', outcome: 'ok' });
    const actions = trail.query().map((e) => e.action);
    expect(actions).toEqual(['request.sent', 'audit.gap', 'request.sent']);
    const gap = trail.query({ action: 'audit.gap' })[0]!;
    expect(gap).toMatchObject({ count: 6, outcome: 'error' });
    expect(gap.reason).toContain('request.denied 5');
    expect(gap.reason).toContain('auth.denied 1');
    expect(Date.parse(gap.firstAt!)).toBeLessThanOrEqual(Date.parse(gap.lastAt!));
    expect(gaps.open).toBe(false);
    expect(trail.verify().ok).toBe(true);
  });

  it('closes the gap by itself when the trail is back and no call comes', async () => {
    vi.useFakeTimers();
    const { trail, down } = switchable();
    const gaps = new GapRecordingTrail(trail);
    down.value = true;
    await expect(gaps.append(denied)).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(3_000); // still down: the probe fails and tries again
    expect(trail.query()).toEqual([]);
    down.value = false;
    await vi.advanceTimersByTimeAsync(1_500);
    expect(trail.query().map((e) => [e.action, e.count])).toEqual([['audit.gap', 1]]);
    gaps.close();
  });

  it('concurrent appends at recovery write the gap once', async () => {
    const { trail, down } = switchable();
    const gaps = new GapRecordingTrail(trail);
    down.value = true;
    await Promise.allSettled(Array.from({ length: 20 }, () => gaps.append(denied)));
    down.value = false;
    await Promise.all(Array.from({ length: 10 }, () => gaps.append({ ...denied, action: 'request.sent', outcome: 'ok' })));
    const entries = trail.query();
    expect(entries.filter((e) => e.action === 'audit.gap').map((e) => e.count)).toEqual([20]);
    expect(entries[0]!.action).toBe('audit.gap');
    expect(entries).toHaveLength(11);
  });
});
