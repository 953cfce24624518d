/**
 * The writer's lease on the cross-process audit lock (lock.ts). A writer keeps the lock as a short
 * lease (LEASE_MS) across its appends, so a burst of requests pays for one lock, not one per entry.
 */
import { lockAudit, STALE_LOCK_MS, tryLockAudit, type Release } from './lock.js';

/**
 * How long a writer keeps the cross-process lock after an append. Under load the lock file's
 * create/unlink (the costliest part of an append) is paid once per lease, not once per entry; a
 * CLI process that wants to append meanwhile waits at most this long.
 */
const LEASE_MS = 10;
/** The lease held on each path in this process (two writers of one path must not deadlock). */
const holders = new Map<string, Lease>();
// A process ending while it holds a lease lets go at once (a killed one is detected by its pid).
process.once('exit', () => {
  for (const holder of [...holders.values()]) holder.release();
});

export interface LeaseHooks {
  /** The lock was just taken: another writer may have appended meanwhile. */
  taken(): void;
  /** The lock is about to be let go (the writer's head record goes out now). */
  releasing(): void;
}

export class Lease {
  readonly #path: string;
  readonly #hooks: LeaseHooks;
  #release: Release | undefined;
  #timer: NodeJS.Timeout | undefined;
  #start = 0;

  constructor(path: string, hooks: LeaseHooks) {
    this.#path = path;
    this.#hooks = hooks;
  }

  /** Takes the lease if the lock is free (or already ours); false when another writer has it. */
  tryTake(): boolean {
    // A lease held far longer than LEASE_MS means this thread stalled; another writer may have
    // broken the lock as stale meanwhile, so it is taken afresh.
    if (this.#release && performance.now() - this.#start > STALE_LOCK_MS / 2) this.release();
    if (this.#release) return true;
    const other = holders.get(this.#path);
    if (other && other !== this) other.release();
    const release = tryLockAudit(this.#path);
    if (!release) return false;
    this.#take(release);
    return true;
  }

  /** Waits (on timers) for the lock; AUDIT_UNAVAILABLE when it stays busy (lock.ts). */
  async take(): Promise<void> {
    if (!this.tryTake()) this.#take(await lockAudit(this.#path));
  }

  #take(release: Release): void {
    this.#release = release;
    this.#start = performance.now();
    holders.set(this.#path, this);
    this.#hooks.taken();
    this.#timer = setTimeout(() => this.release(), LEASE_MS);
    this.#timer.unref();
  }

  /** Lets other writers in, after the writer's `releasing` hook. Called by the timer and on close. */
  release(): void {
    if (!this.#release) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      this.#hooks.releasing();
    } finally {
      const release = this.#release;
      this.#release = undefined;
      if (holders.get(this.#path) === this) holders.delete(this.#path);
      release();
    }
  }
}
