/**
 * Principals suspended by the tripwire (promise 4a). Secret material in what an agent sends can
 * only be there by guessing, so the first hit suspends that principal until a human clears it
 * with `blindfold clear PRINCIPAL`: one wrong guess costs the agent its access, which turns a
 * guessing game into a single attempt.
 *
 * Suspension hits the guesser, not the fleet: each stdio client has a principal of its own
 * (`stdio:<name>`). A stdio principal is named by whoever starts the server, so a guesser could try
 * again under a new name; a second stdio suspension on one home within a day therefore suspends
 * every stdio principal of the home (the wildcard entry `stdio:*`), until a human clears it.
 *
 * The list lives in a state cell (src/store/cells.ts): a small file of the home, shared by every process,
 * changed under a lock. A suspension holds in this process from the moment it is decided, before
 * the write lands, so the next call is refused even if the disk is slow or failing.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { logger } from '../log.js';
import type { StateCell } from '../store/cells.js';
import { memoryHomeState, type HomeState } from '../store/home-state.js';

/** Every principal a stdio server can have starts with this; the wildcard covers them all. */
export const STDIO_PREFIX = 'stdio:';
export const STDIO_WILDCARD = `${STDIO_PREFIX}*`;
/** Before per-client principals every stdio server was `stdio`: an old entry still stops them all. */
const LEGACY_STDIO = 'stdio';
/** How far back a second stdio suspension turns into the wildcard. */
export const WILDCARD_WINDOW_MS = 24 * 60 * 60 * 1000;

const entrySchema = z.object({ since: z.string(), reason: z.string() });
type Entry = z.infer<typeof entrySchema>;
const stateSchema = z.object({
  version: z.literal(2),
  suspended: z.record(z.string(), entrySchema),
  /** Stdio suspensions of the last day, kept after a clear: a cleared guesser that trips again is the second. */
  recent: z.array(z.object({ principal: z.string(), at: z.string() })),
});
export type SuspensionState = z.infer<typeof stateSchema>;
/** The file before version 2 was the bare principal → entry record. */
const fileSchema = z.union([stateSchema, z.record(z.string(), entrySchema).transform((suspended): SuspensionState => ({ version: 2, suspended, recent: [] }))]);
const empty = (): SuspensionState => ({ version: 2, suspended: {}, recent: [] });

export type Suspension = Entry & { principal: string };

export class SuspensionList {
  readonly #cell: StateCell<SuspensionState>;
  /** Decided here, maybe not yet on disk: refused in this process whatever the write does. */
  readonly #pending = new Set<string>();
  readonly #writing = new Set<Promise<void>>();

  constructor(cell: StateCell<SuspensionState>) {
    this.#cell = cell;
  }

  /** The list as the home's state keeps it (the store seam: a file of the home, memory in tests). */
  static in(state: HomeState): SuspensionList {
    return new SuspensionList(state.cell('suspensions', fileSchema as z.ZodType<SuspensionState>, empty, 'the suspension list'));
  }

  static inMemory(): SuspensionList {
    return SuspensionList.in(memoryHomeState());
  }

  isSuspended(principal: string): boolean {
    if (this.#pending.has(principal) || (this.#pending.has(STDIO_WILDCARD) && isStdio(principal))) return true;
    return coveringEntry(this.#cell.read(), principal) !== undefined;
  }

  list(): Suspension[] {
    return Object.entries(this.#cell.read().suspended).map(([principal, e]) => ({ principal, ...e }));
  }

  /**
   * Suspends the principal at once in this process, then on disk. The promise settles when the
   * list is written and never rejects: a failed write is logged, and this process keeps refusing.
   */
  suspend(principal: string, reason: string, now = new Date()): Promise<void> {
    this.#pending.add(principal);
    const write = (async () => {
      try {
        await this.#cell.update((state) => suspendIn(state, principal, reason, now));
        this.#pending.delete(principal);
      } catch (err) {
        logger().error({ principal, code: (err as BlindfoldError).code }, `the suspension of ${principal} could not be written; it holds in this process only`);
      }
    })();
    this.#writing.add(write);
    void write.finally(() => this.#writing.delete(write));
    return write;
  }

  /** Settles when every suspension decided in this process so far is written (or failed to be). */
  async settled(): Promise<void> {
    await Promise.all([...this.#writing]);
  }

  /** Lifts one suspension (the wildcard is `stdio:*`); returns whether it was there. */
  async clear(principal: string): Promise<boolean> {
    // A suspension still being written would land after the clear and undo it.
    await this.settled();
    this.#pending.delete(principal);
    return this.#cell.update((state) => {
      if (!Object.hasOwn(state.suspended, principal)) return { result: false };
      delete state.suspended[principal];
      return { next: state, result: true };
    });
  }

  /** Empties the list, also when it is damaged; returns how many were lifted. */
  async clearAll(): Promise<number> {
    let count = 0;
    try {
      count = this.list().length;
    } catch {
      // damaged: rewritten below
    }
    this.#pending.clear();
    // The day's record of stdio suspensions stays: clearing everyone does not make the next trip a first.
    let recent: SuspensionState['recent'] = [];
    try {
      recent = this.#cell.read().recent;
    } catch {
      // damaged: nothing to keep
    }
    await this.#cell.overwrite({ ...empty(), recent });
    return count;
  }
}

export function isStdio(principal: string): boolean {
  return principal.startsWith(STDIO_PREFIX) || principal === LEGACY_STDIO;
}

/** The entry that suspends this principal: its own, or for a stdio principal the wildcard. */
function coveringEntry(state: SuspensionState, principal: string): Entry | undefined {
  const own = state.suspended[principal];
  if (own) return own;
  if (!isStdio(principal)) return undefined;
  return state.suspended[STDIO_WILDCARD] ?? state.suspended[LEGACY_STDIO];
}

function suspendIn(state: SuspensionState, principal: string, reason: string, now: Date) {
  if (coveringEntry(state, principal)) return { result: undefined };
  const since = now.toISOString();
  state.suspended[principal] = { since, reason };
  if (isStdio(principal)) {
    state.recent = state.recent.filter((r) => now.getTime() - Date.parse(r.at) < WILDCARD_WINDOW_MS);
    state.recent.push({ principal, at: since });
    if (state.recent.length >= 2) {
      const names = [...new Set(state.recent.map((r) => r.principal))].join(', ');
      state.suspended[STDIO_WILDCARD] = {
        since,
        reason: `a second stdio suspension on this home within a day (${names}): every stdio principal is suspended`,
      };
    }
  }
  return { next: state, result: undefined };
}

/** Whether a principal is stopped: suspended itself, or made from a handle whose principal is (a child handle sheds nothing). */
export function isStopped(list: SuspensionList, principal: { id: string; parents?: readonly string[] }): boolean {
  return list.isSuspended(principal.id) || (principal.parents ?? []).some((id) => list.isSuspended(id));
}

/** Every call of a suspended principal is refused until a human clears it. */
export function suspendedRefusal(principal: string): BlindfoldError {
  // Agent-facing: who decides, never the command (an agent must not learn how to lift its own suspension).
  return new BlindfoldError('PRINCIPAL_SUSPENDED', `${principal} is suspended after a tripwire hit; nothing is sent until an admin lifts it`);
}

/**
 * The tripwire's answer names no input: it must not confirm which guess matched. It is also the
 * answer of every call of the principal that was in flight when the wire tripped (AnswerJudge), so
 * a burst of calls, right and wrong guesses together, is answered alike: one call tripped, all stop.
 */
export function tripwireRefusal(principal: string): BlindfoldError {
  return new BlindfoldError(
    'REQUEST_REFUSED',
    `the request was refused and ${principal} is suspended: an input of ${principal} held secret material, which an agent can only have by guessing. ` +
      'An admin can review it and lift the suspension',
  );
}
