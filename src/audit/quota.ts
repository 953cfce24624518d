/**
 * The disk quota of the audit trail and each principal's share of it (issue 18 item 7). When an
 * append would take the whole trail past the quota it is refused (AUDIT_UNAVAILABLE: the caller
 * refuses its call, fail closed) rather than any entry being dropped. Refusals are what a flooding
 * agent can make at will, so no principal may hold more than `share` of the quota in refused
 * entries: past it, every entry of that principal is refused — its calls stop — while others keep
 * working. Attack-class entries never count against a share and are refused only by the quota.
 *
 * The per-principal figures are this process's (the next issue lifts them into the store): a
 * principal is served by one process, and the quota bounds the whole trail either way.
 */
import { BlindfoldError } from '../errors.js';
import { isAttack, type AuditFields } from './chain.js';

export const DEFAULT_QUOTA_BYTES = 1024 ** 3;
export const DEFAULT_PRINCIPAL_SHARE = 0.25;
const SYSTEM_SLACK_BYTES = 64 * 1024;
/**
 * Entries no share refuses: Blindfold's own (rotation, pruning, the over-share notice), attacks,
 * and aggregates (bounded in rate by aggregate.ts, and the count of what was refused).
 */
function exempt(fields: AuditFields): boolean {
  return fields.principal === 'blindfold' || fields.action.startsWith('audit.') || isAttack(fields) || fields.count !== undefined;
}

const refusals = new WeakSet<Error>();

/** The AUDIT_UNAVAILABLE a quota refusal turns into: the call is refused, the log itself is fine. */
export function quotaRefusal(why: 'quota' | 'share'): BlindfoldError {
  const err = new BlindfoldError(
    'AUDIT_UNAVAILABLE',
    why === 'quota'
      ? 'the audit trail is at its disk quota; calls are refused until old entries pass the retention period or an admin raises the quota'
      : 'this principal has used its share of the audit quota with refused calls; its calls are refused until an admin looks at the trail',
  );
  refusals.add(err);
  return err;
}

export function isQuotaRefusal(err: unknown): boolean {
  return err instanceof Error && refusals.has(err);
}

export class AuditQuota {
  readonly quotaBytes: number;
  readonly #shareBytes: number;
  readonly #refusedBytes = new Map<string, number>();
  readonly #over = new Set<string>();

  constructor(quotaBytes = DEFAULT_QUOTA_BYTES, share = DEFAULT_PRINCIPAL_SHARE) {
    this.quotaBytes = quotaBytes;
    this.#shareBytes = Math.floor(quotaBytes * share);
  }

  /** Whether the principal has used up its share (its entries are refused from now on). */
  isOver(principal: string): boolean {
    return this.#over.has(principal);
  }

  /** Why this entry may not be written (`total` is the trail's size now), or undefined when it may. */
  check(fields: AuditFields, bytes: number, total: number): 'quota' | 'share' | undefined {
    // Blindfold's own records (a deletion's, which frees room) may go a little past the quota.
    const limit = fields.action.startsWith('audit.') ? this.quotaBytes + SYSTEM_SLACK_BYTES : this.quotaBytes;
    if (total + bytes > limit) return 'quota';
    if (!exempt(fields) && this.#over.has(fields.principal)) return 'share';
    return undefined;
  }

  /**
   * Counts a written entry. True the first time a principal goes over its share (the caller
   * records that once, under Blindfold's own name).
   */
  charge(fields: AuditFields, bytes: number): boolean {
    if (fields.outcome === 'ok' || fields.principal === 'blindfold' || fields.action.startsWith('audit.') || isAttack(fields)) return false;
    const used = (this.#refusedBytes.get(fields.principal) ?? 0) + bytes;
    this.#refusedBytes.set(fields.principal, used);
    if (used < this.#shareBytes || this.#over.has(fields.principal)) return false;
    this.#over.add(fields.principal);
    return true;
  }
}
