/**
 * Repeated refusals of one principal, aggregated and rate limited (issue 18 item 7). A hostile agent
 * can make refused calls as fast as it likes; written one entry each, they would fill the trail. So
 * within a window, identical refusals — same principal, action, reason code and origin — are
 * counted into one aggregate entry (`count`, `firstAt`, `lastAt`) written when the window closes;
 * and past MAX_INDIVIDUAL distinct refusals of a principal in one window, the rest of its refusals
 * are counted into one aggregate per action. Nothing is dropped: the counts add up to every refusal.
 *
 * Attack-class entries (chain.ts isAttack) and successful entries never come here: each is written
 * on its own. The state is per process (a principal is served by one process; the disk quota bounds
 * the whole trail whatever this misses).
 */
import { reasonCode } from './cap.js';
import { isAttack, type AuditFields } from './chain.js';

export const DEFAULT_AGGREGATE_WINDOW_MS = 60_000;
/** Distinct refusals of one principal written individually per window; the rest are counted. */
export const MAX_INDIVIDUAL = 20;

interface Bucket {
  fields: AuditFields;
  /** Refusals this aggregate stands for (beyond any written individually). */
  count: number;
  firstAt: string;
  lastAt: string;
  opened: number;
}

export function isRefusal(fields: AuditFields): boolean {
  return fields.outcome !== 'ok' && !isAttack(fields) && fields.count === undefined;
}

export class RefusalAggregator {
  readonly #windowMs: number;
  readonly #write: (aggregate: AuditFields) => void;
  readonly #buckets = new Map<string, Bucket>();
  readonly #principals = new Map<string, { start: number; individual: number }>();
  #timer: NodeJS.Timeout | undefined;

  /** `write` gets each aggregate when its window closes (on a timer) or on flush. */
  constructor(write: (aggregate: AuditFields) => void, windowMs = DEFAULT_AGGREGATE_WINDOW_MS) {
    this.#write = write;
    this.#windowMs = windowMs;
  }

  /** Writes every open aggregate now (the writer is closing). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const a of this.due(Date.now(), true)) this.#write(a);
  }

  #schedule(): void {
    if (this.#timer || this.#buckets.size === 0) return;
    let next = Infinity;
    for (const b of this.#buckets.values()) next = Math.min(next, b.opened + this.#windowMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      for (const a of this.due(Date.now())) this.#write(a);
      this.#schedule();
    }, Math.max(0, next - Date.now()) + 1);
    this.#timer.unref();
  }

  /** True: write this refusal as an entry of its own; false: it was counted into an aggregate. */
  admit(fields: AuditFields, now: number): boolean {
    if (!isRefusal(fields)) return true;
    const at = new Date(now).toISOString();
    const key = JSON.stringify([fields.principal, fields.action, reasonCode(fields.reason), fields.origin ?? '']);
    const open = this.#buckets.get(key);
    if (open && now - open.opened < this.#windowMs) {
      open.count++;
      open.lastAt = at;
      this.#schedule();
      return false;
    }
    let p = this.#principals.get(fields.principal);
    if (!p || now - p.start >= this.#windowMs) this.#principals.set(fields.principal, (p = { start: now, individual: 0 }));
    if (p.individual >= MAX_INDIVIDUAL) {
      const overKey = JSON.stringify([fields.principal, fields.action, '*']);
      const over = this.#buckets.get(overKey);
      if (over) {
        over.count++;
        over.lastAt = at;
      } else {
        // Its own reason: the folded refusals differ in reason and origin, so neither is kept.
        const summary: AuditFields = { action: fields.action, principal: fields.principal, outcome: fields.outcome, reason: 'RATE_LIMITED: refusals past the per-principal limit, counted' };
        if (fields.env) summary.env = fields.env;
        this.#buckets.set(overKey, { fields: summary, count: 1, firstAt: at, lastAt: at, opened: now });
      }
      this.#schedule();
      return false;
    }
    p.individual++;
    this.#buckets.set(key, { fields, count: 0, firstAt: at, lastAt: at, opened: now });
    return true;
  }

  /** Aggregate entries whose window has closed (all of them when `all`), removed from the open set. */
  due(now: number, all = false): AuditFields[] {
    const out: AuditFields[] = [];
    for (const [key, b] of this.#buckets) {
      if (!all && now - b.opened < this.#windowMs) continue;
      this.#buckets.delete(key);
      if (b.count > 0) out.push({ ...b.fields, count: b.count, firstAt: b.firstAt, lastAt: b.lastAt });
    }
    return out;
  }
}
