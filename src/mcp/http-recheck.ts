/**
 * When the team server checks open sessions against their tokens (an open event stream is no
 * request, so it would never meet the per-request check). Three triggers, one check at a time:
 * - a change landed in the store, by this instance or another (PostgreSQL: LISTEN/NOTIFY; file:
 *   the folder's events): a revoked or replaced token loses its streams at once;
 * - the soonest expiry among open sessions' tokens: an expired token loses them on time;
 * - a periodic safety net, short when the store tells of no change, long when it does (a notice is
 *   lost only while the listening connection is down, and the store re-announces on reconnect).
 */
import { logger } from '../log.js';
import type { HttpAuth } from './http-auth.js';
import type { SessionRegistry } from './http-sessions.js';

/** The safety net when the store tells of no change. */
export const RECHECK_UNWATCHED_MS = 2000;
/** The safety net when it does. */
export const RECHECK_WATCHED_MS = 30_000;
/** The shortest wait between two checks: a session whose expiry has passed but which a check did not close never makes them run back to back. */
const RECHECK_MIN_MS = 50;

export interface SessionRecheck {
  /** Re-arms the timer (a session was added: its token may expire sooner than the timer is set for). */
  schedule(): void;
  stop(): void;
}

export function sessionRecheck(sessions: SessionRegistry, auth: HttpAuth): SessionRecheck {
  const stillValid = auth.stillValid;
  if (!stillValid) return { schedule: () => {}, stop: () => {} };
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  /** The last check failed (the store unreadable): the next waits the short net at least, never a past expiry's 0. */
  let failed = false;

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    const net = unwatch ? RECHECK_WATCHED_MS : RECHECK_UNWATCHED_MS;
    const expiry = sessions.nextExpiry();
    // A few ms past the expiry: the check compares with `now`, and expiry is exclusive.
    const soonest = failed ? RECHECK_UNWATCHED_MS : RECHECK_MIN_MS;
    const delay = expiry === undefined ? net : Math.max(soonest, Math.min(net, expiry - Date.now() + 5));
    timer = setTimeout(check, delay);
    timer.unref();
  };

  const check = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void stillValid()
      .then((valid) => {
        failed = false;
        sessions.revalidate(valid);
      })
      .catch((err: unknown) => {
        failed = true;
        // Fail closed: a token's expiry is known without the store, so it still ends its sessions.
        const now = Date.now();
        sessions.revalidate((info) => !(info.expiresAt && Date.parse(info.expiresAt) <= now));
        logger().error({ err: err instanceof Error ? err.name : 'error' }, 'sessions could not be checked against their tokens');
      })
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          check();
        } else schedule();
      });
  };

  const unwatch = auth.changes?.(check);
  schedule();
  return {
    schedule,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      unwatch?.();
    },
  };
}
