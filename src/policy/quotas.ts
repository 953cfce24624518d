/**
 * Per-principal concurrency quotas (issue 18, item 6). Every call holds a slot while it runs. A
 * principal gets at most `perPrincipal` slots, and only then do slots come out of the shared
 * `shared` limit, so one principal using up its share throttles itself and nobody else: its
 * surplus calls wait in its own bounded queue (or are refused, RATE_LIMITED, when that is full)
 * while another principal's call takes a free shared slot at once.
 *
 * When the shared limit itself is reached (many principals busy at once), a freed slot goes to
 * the waiting principal with the fewest calls running, never to whoever queued most: a principal
 * with nothing running and one call waiting gets the next slot freed.
 */
import { BlindfoldError } from '../errors.js';

export interface QuotaLimits {
  /** Calls one principal may have running at once. */
  perPrincipal: number;
  /** Calls all principals together may have running at once. */
  shared: number;
  /** Calls of one principal that may wait for a slot; the next one is refused. */
  queuePerPrincipal: number;
}

/**
 * 8 running per principal before the shared 64; the queue behind them is long (SPEC §11: 1,000
 * concurrent calls of one client complete, none refused): a flood waits on itself, and only a
 * principal with more than 1,024 calls waiting is refused.
 */
export const DEFAULT_QUOTAS: QuotaLimits = { perPrincipal: 8, shared: 64, queuePerPrincipal: 1024 };

/** Gives the slot back; calling it twice frees one slot only. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant: () => void;
}

export class CallQuotas {
  readonly limits: QuotaLimits;
  readonly #running = new Map<string, number>();
  /** Insertion order is the round-robin order: a principal served goes to the back. */
  readonly #waiting = new Map<string, Waiter[]>();
  #total = 0;

  constructor(limits: Partial<QuotaLimits> = {}) {
    this.limits = { ...DEFAULT_QUOTAS, ...limits };
    for (const [k, v] of Object.entries(this.limits)) {
      if (!Number.isInteger(v) || v < 1) throw new BlindfoldError('BAD_INPUT', `quota ${k} must be a positive integer`);
    }
  }

  /** Resolves with the release once the principal has a slot; RATE_LIMITED when its queue is full. */
  acquire(principal: string): Promise<ReleaseSlot> {
    if (!this.#waiting.has(principal) && this.#free(principal)) return Promise.resolve(this.#take(principal));
    const queue = this.#waiting.get(principal) ?? [];
    if (queue.length >= this.limits.queuePerPrincipal) {
      return Promise.reject(
        new BlindfoldError(
          'RATE_LIMITED',
          `${principal} already has ${this.limits.perPrincipal} calls running and ${queue.length} waiting; this call was refused. Wait for earlier calls to finish`,
        ),
      );
    }
    return new Promise((resolve) => {
      queue.push({ grant: () => resolve(this.#take(principal)) });
      this.#waiting.set(principal, queue);
    });
  }

  /** Running and waiting calls of a principal (for tests and diagnostics). */
  load(principal: string): { running: number; waiting: number } {
    return { running: this.#running.get(principal) ?? 0, waiting: this.#waiting.get(principal)?.length ?? 0 };
  }

  #free(principal: string): boolean {
    return (this.#running.get(principal) ?? 0) < this.limits.perPrincipal && this.#total < this.limits.shared;
  }

  #take(principal: string): ReleaseSlot {
    this.#running.set(principal, (this.#running.get(principal) ?? 0) + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#running.get(principal) ?? 1) - 1;
      if (left === 0) this.#running.delete(principal);
      else this.#running.set(principal, left);
      this.#total--;
      this.#dispatch();
    };
  }

  /**
   * Hands free slots to waiting principals, each to the one with the fewest calls running (the
   * least served; ties in turn order), so a principal with one call waiting gets the next freed
   * slot whatever another principal has queued.
   */
  #dispatch(): void {
    while (this.#total < this.limits.shared) {
      let pick: string | undefined;
      let fewest = Infinity;
      for (const principal of this.#waiting.keys()) {
        const running = this.#running.get(principal) ?? 0;
        if (running < fewest && this.#free(principal)) {
          pick = principal;
          fewest = running;
        }
      }
      if (pick === undefined) return;
      const queue = this.#waiting.get(pick)!;
      const waiter = queue.shift()!;
      // Served: to the back of the turn order (or out of it when nothing more waits).
      this.#waiting.delete(pick);
      if (queue.length) this.#waiting.set(pick, queue);
      waiter.grant();
    }
  }
}
