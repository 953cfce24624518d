/**
 * Entries that could not be written (issue 22: "refusals while the database is down go to stderr
 * and, on recovery, into one audit gap entry"). A trail on a database that is away refuses every
 * append, so the calls of that time are refused (fail closed) and none of them is on record. This
 * wrapper counts those appends, says so once on stderr when the gap opens, and — as soon as the
 * trail takes an entry again — writes one `audit.gap` entry: how many entries are missing, of which
 * actions, between which times. A probe retries that entry on its own, so a gap is closed when the
 * database returns even if no call comes; any later entry waits for it, so the gap sits in the chain
 * before what followed it.
 *
 * What it cannot do: a process that ends while the trail is down (a CLI command, a killed server)
 * takes its count with it; its refusals were on stderr only.
 */
import { BlindfoldError } from '../errors.js';
import { logger } from '../log.js';
import type { AuditEntry, AuditFields } from './chain.js';
import type { AuditFilter, AuditTrail, Usage, VerifyResult } from './trail.js';

/** How often a closed gap is retried while nothing else appends. */
const PROBE_MS = 1_000;

interface Gap {
  count: number;
  firstAt: string;
  lastAt: string;
  actions: Map<string, number>;
  /** The error code of the first failure (STORE_UNAVAILABLE, AUDIT_UNAVAILABLE…). */
  code: string;
}

export class GapRecordingTrail implements AuditTrail {
  readonly #inner: AuditTrail;
  readonly #now: () => number;
  #gap: Gap | undefined;
  /** The gap entry being written: appends wait for it, so they land after it. */
  #closing: Promise<void> | undefined;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(inner: AuditTrail, now: () => number = Date.now) {
    this.#inner = inner;
    this.#now = now;
  }

  async append(fields: AuditFields): Promise<AuditEntry | undefined> {
    try {
      // Until the gap is on record nothing goes after it (a new gap may open while one is written).
      while (this.#gap || this.#closing) await this.#closeGap();
      return await this.#inner.append(fields);
    } catch (err) {
      this.#missed(fields.action, err);
      throw err;
    }
  }

  /** Counts an entry that was not written; the first one opens the gap (one line on stderr). */
  #missed(action: string, err: unknown): void {
    const at = new Date(this.#now()).toISOString();
    if (!this.#gap) {
      const opening = !this.#closing;
      const code = err instanceof BlindfoldError ? err.code : 'INTERNAL';
      this.#gap = { count: 0, firstAt: at, lastAt: at, actions: new Map(), code };
      if (opening) logger().error({ code }, 'the audit trail cannot be written: calls are refused until it can, and counted into one audit.gap entry then');
    }
    const gap = this.#gap;
    gap.count++;
    gap.lastAt = at;
    gap.actions.set(action, (gap.actions.get(action) ?? 0) + 1);
    this.#scheduleProbe();
  }

  /** Writes the gap entry once (concurrent callers share the attempt); throws while the trail is still down. */
  #closeGap(): Promise<void> {
    this.#closing ??= (async () => {
      const gap = this.#gap;
      if (!gap) return;
      // Taken out while it is written: failures meanwhile open the next gap rather than vanish into this one.
      this.#gap = undefined;
      const actions = [...gap.actions].map(([action, n]) => `${action} ${n}`).join(', ');
      try {
        await this.#inner.append({
          action: 'audit.gap',
          principal: 'blindfold',
          outcome: 'error',
          reason: `${gap.code}: ${gap.count} entries could not be written (${actions}); the calls that needed them were refused`,
          count: gap.count,
          firstAt: gap.firstAt,
          lastAt: gap.lastAt,
        });
      } catch (err) {
        this.#gap = merged(gap, this.#gap);
        throw err;
      }
      logger().warn({ count: gap.count, firstAt: gap.firstAt, lastAt: gap.lastAt }, 'the audit trail is back: the gap is on record (audit.gap)');
    })().finally(() => (this.#closing = undefined));
    return this.#closing;
  }

  #scheduleProbe(): void {
    if (this.#probe || this.#closed) return;
    this.#probe = setTimeout(() => {
      this.#probe = undefined;
      if (!this.#gap) return;
      this.#closeGap().catch(() => this.#scheduleProbe());
    }, PROBE_MS);
    // A gap must not keep a finished process alive; a server is kept alive by its listener.
    this.#probe.unref();
  }

  /** Whether entries are missing that no `audit.gap` records yet (tests, `close`). */
  get open(): boolean {
    return this.#gap !== undefined;
  }

  query(filter?: AuditFilter): AuditEntry[] {
    return this.#inner.query(filter);
  }

  usage(): Map<string, Usage> {
    return this.#inner.usage();
  }

  notice(fields: AuditFields): void {
    this.#inner.notice(fields);
  }

  async refresh(): Promise<void> {
    await this.#inner.refresh?.();
  }

  verify(storeRevision?: number): VerifyResult {
    return this.#inner.verify(storeRevision);
  }

  flush(): void {
    this.#inner.flush();
  }

  close(): void {
    this.#closed = true;
    if (this.#probe) clearTimeout(this.#probe);
    this.#probe = undefined;
    // Said once more at the end: whoever reads stderr learns what the trail will never hold.
    const gap = this.#gap;
    if (gap) logger().error({ count: gap.count, firstAt: gap.firstAt, lastAt: gap.lastAt, code: gap.code }, 'stopping with an audit gap not on record');
    this.#inner.close();
  }
}

function merged(earlier: Gap, later: Gap | undefined): Gap {
  if (!later) return earlier;
  const actions = new Map(earlier.actions);
  for (const [action, n] of later.actions) actions.set(action, (actions.get(action) ?? 0) + n);
  return { count: earlier.count + later.count, firstAt: earlier.firstAt, lastAt: later.lastAt, actions, code: earlier.code };
}
