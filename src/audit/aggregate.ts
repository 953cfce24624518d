/**
 * Repeated refusals of one principal, aggregated and rate limited (issue 18 item 7). A hostile agent
 * can make refused calls as fast as it likes; written one entry each, they would fill the trail. So
 * within a window, identical refusals — same principal, action, reason code and origin — are
 * counted into aggregate entries (`count`, `firstAt`, `lastAt`), written a second after the first
 * count at the latest (each entry counts what the one before did not);
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
/**
 * Counts not yet written are written this long after the first of them at the latest, as an
 * aggregate of those alone, while the window stays open: a process killed (SIGKILL, the OOM killer)
 * loses at most the last second of counts, not its minute (red team 12c).
 */
export const COUNT_FLUSH_MS = 1000;

interface Bucket {
  fields: AuditFields;
  /** Refusals counted and not yet written (beyond any written individually). */
  count: number;
  /** When the first and last of those were counted (ISO), and the first in ms. */
  firstAt: string;
  lastAt: string;
  countedSince: number;
  opened: number;
}

function counted(b: Bucket, at: string, now: number): void {
  if (b.count++ === 0) {
    b.firstAt = at;
    b.countedSince = now;
  }
  b.lastAt = at;
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
  #timerAt = Infinity;

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
    let next = Infinity;
    for (const b of this.#buckets.values()) next = Math.min(next, b.opened + this.#windowMs, b.count > 0 ? b.countedSince + COUNT_FLUSH_MS : Infinity);
    // A timer set for a window's close is brought forward by a count that must be written sooner.
    if (next === Infinity || (this.#timer && this.#timerAt <= next)) return;
    clearTimeout(this.#timer);
    this.#timerAt = next;
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
      counted(open, at, now);
      this.#schedule();
      return false;
    }
    let p = this.#principals.get(fields.principal);
    if (!p || now - p.start >= this.#windowMs) this.#principals.set(fields.principal, (p = { start: now, individual: 0 }));
    if (p.individual >= MAX_INDIVIDUAL) {
      const overKey = JSON.stringify([fields.principal, fields.action, '*']);
      const over = this.#buckets.get(overKey);
      if (over) counted(over, at, now);
      else {
        // Its own reason: the folded refusals differ in reason and origin, so neither is kept.
        const summary: AuditFields = { action: fields.action, principal: fields.principal, outcome: fields.outcome, reason: 'RATE_LIMITED: refusals past the per-principal limit, counted' };
        if (fields.env) summary.env = fields.env;
        this.#buckets.set(overKey, { fields: summary, count: 1, firstAt: at, lastAt: at, countedSince: now, opened: now });
      }
      this.#schedule();
      return false;
    }
    p.individual++;
    this.#buckets.set(key, { fields, count: 0, firstAt: at, lastAt: at, countedSince: now, opened: now });
    return true;
  }

  /**
   * Aggregate entries due now: the counts of every bucket whose window has closed (all of them when
   * `all`), which leaves the open set, and of every open one whose counts waited COUNT_FLUSH_MS.
   */
  due(now: number, all = false): AuditFields[] {
    const out: AuditFields[] = [];
    for (const [key, b] of this.#buckets) {
      const closed = all || now - b.opened >= this.#windowMs;
      if (closed) this.#buckets.delete(key);
      if (b.count > 0 && (closed || now - b.countedSince >= COUNT_FLUSH_MS)) {
        out.push({ ...b.fields, count: b.count, firstAt: b.firstAt, lastAt: b.lastAt });
        b.count = 0;
      }
    }
    return out;
  }
}
