// Refusal counts reach the trail within COUNT_FLUSH_MS of the first of them, however long the
// aggregation window (red team 12c, family 7: a server killed with SIGKILL lost a minute of counts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COUNT_FLUSH_MS, RefusalAggregator } from '../../src/audit/aggregate.js';
import type { AuditFields } from '../../src/audit/chain.js';

const refusal = (origin: string): AuditFields => ({ action: 'request.denied', principal: 'stdio:a', outcome: 'denied', reason: 'HOST_NOT_ALLOWED: private address', origin });

describe('RefusalAggregator writes counts a second after the first of them', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('in a minute-long window, each second of counts is written by the end of that second, and they add up', () => {
    const written: AuditFields[] = [];
    const agg = new RefusalAggregator((a) => written.push(a), 60_000);
    const admit = () => agg.admit(refusal('http://10.0.0.1'), Date.now());
    expect(admit()).toBe(true); // the first is written on its own
    for (let i = 0; i < 5; i++) expect(admit()).toBe(false);
    vi.advanceTimersByTime(COUNT_FLUSH_MS + 1);
    expect(written.map((a) => a.count)).toEqual([5]);
    vi.advanceTimersByTime(10_000);
    for (let i = 0; i < 3; i++) admit();
    vi.advanceTimersByTime(COUNT_FLUSH_MS + 1);
    expect(written.map((a) => a.count)).toEqual([5, 3]);
    // Nothing is counted twice when the window closes or the writer flushes.
    vi.advanceTimersByTime(60_000);
    agg.flush();
    expect(written.reduce((n, a) => n + (a.count ?? 0), 0)).toBe(8);
  });

  it('counts past the per-principal limit of distinct refusals are written within the second too', () => {
    const written: AuditFields[] = [];
    const agg = new RefusalAggregator((a) => written.push(a), 60_000);
    let individual = 0;
    for (let i = 0; i < 30; i++) if (agg.admit(refusal(`http://10.0.0.${i + 2}`), Date.now())) individual++;
    vi.advanceTimersByTime(COUNT_FLUSH_MS + 1);
    expect(individual + written.reduce((n, a) => n + (a.count ?? 0), 0)).toBe(30);
  });
});
