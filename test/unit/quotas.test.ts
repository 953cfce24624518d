// Per-principal quotas (issue 18 item 6): a principal's calls beyond its share wait in its own
// bounded queue, or are refused when that is full; another principal is not kept waiting by them.
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { CallQuotas, type ReleaseSlot } from '../../src/policy/quotas.js';

/** Whether the promise has settled after pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('call quotas', () => {
  it("32 pending calls of principal A do not delay principal B's call (A is held to its share)", async () => {
    const q = new CallQuotas({ perPrincipal: 8, shared: 64, queuePerPrincipal: 32 });
    const a = Array.from({ length: 32 }, () => q.acquire('A'));
    expect(q.load('A')).toEqual({ running: 8, waiting: 24 });
    const b = q.acquire('B');
    expect(await settled(b)).toBe(true);
    expect(q.load('B').running).toBe(1);
    // A's queue drains as its own calls finish, in order.
    const first8 = await Promise.all(a.slice(0, 8));
    expect(await settled(a[8]!)).toBe(false);
    first8[0]!();
    expect(await settled(a[8]!)).toBe(true);
    expect(await settled(a[9]!)).toBe(false);
  });

  it('when the shared limit is full, a freed slot goes to the waiting principal with the fewest calls running, not to the one queued most', async () => {
    const q = new CallQuotas({ perPrincipal: 2, shared: 4, queuePerPrincipal: 32 });
    const a = Array.from({ length: 32 }, () => q.acquire('A'));
    const c = [q.acquire('C'), q.acquire('C')];
    const running = [...(await Promise.all(a.slice(0, 2))), ...(await Promise.all(c))];
    // Shared limit reached; A has 30 waiting, then B comes.
    const b = q.acquire('B');
    expect(await settled(b)).toBe(false);
    // One slot freed (one of A's, so A is under its share again): B gets it, not A's queue.
    running[0]!();
    expect(await settled(b)).toBe(true);
    expect(await settled(a[2]!)).toBe(false);
    // The next freed slot goes to A, whose turn it is now.
    running[2]!();
    expect(await settled(a[2]!)).toBe(true);
  });

  it('refuses a call beyond the principal\'s queue with RATE_LIMITED, and only for that principal', async () => {
    const q = new CallQuotas({ perPrincipal: 1, shared: 4, queuePerPrincipal: 2 });
    const held = [q.acquire('A'), q.acquire('A'), q.acquire('A')];
    const err = await q.acquire('A').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BlindfoldError);
    expect((err as BlindfoldError).code).toBe('RATE_LIMITED');
    expect((err as BlindfoldError).message).toMatch(/^A already has 1 calls running and 2 waiting/);
    expect(await settled(q.acquire('B'))).toBe(true);
    void held;
  });

  it('a release given twice frees one slot', async () => {
    const q = new CallQuotas({ perPrincipal: 1, shared: 1, queuePerPrincipal: 4 });
    const release: ReleaseSlot = await q.acquire('A');
    const next = [q.acquire('A'), q.acquire('A')];
    release();
    release();
    expect(await settled(next[0]!)).toBe(true);
    expect(await settled(next[1]!)).toBe(false);
  });
});
