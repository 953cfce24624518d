/**
 * The cross-process audit lock: a tiny O_EXCL file next to the log rather than proper-lockfile,
 * because an append is on the request hot path. Taking a free lock is one synchronous open(2), so
 * the uncontended path costs what it always did; a busy lock is waited for with timers, never by
 * blocking the thread, so a server keeps serving its other requests meanwhile.
 *
 * A lock is stale when its pid is dead, or when it is older than STALE_LOCK_MS whoever holds the
 * pid: pids are reused, and a lease lasts milliseconds, so an old lock is one its holder lost.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { BlindfoldError } from '../../errors.js';

/** How long a busy lock is waited for before the append is refused. */
export const LOCK_WAIT_MS = 5_000;
/** A lock file older than this is broken even if its pid is alive (far above the 10 ms lease). */
export const STALE_LOCK_MS = 2_000;
const FIRST_RETRY_MS = 1;
const MAX_RETRY_MS = 20;

export type Release = () => void;

function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/**
 * One attempt: the release function, or undefined if another writer holds the lock. Throws
 * AUDIT_UNAVAILABLE when the lock cannot be created for another reason (permissions, a full disk).
 */
export function tryLockAudit(path: string): Release | undefined {
  const lockPath = lockPathOf(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      // The token lets release tell its own lock from one taken after a stale-lock breaker ran.
      const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      return () => releaseIfOurs(lockPath, token);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !existsSync(dirname(path))) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') {
        throw new BlindfoldError('AUDIT_UNAVAILABLE', `the audit log ${path} cannot be locked (${code ?? 'error'}); calls that use secrets are refused`);
      }
      // Busy: a stale lock is broken and taken at once; a live one is the caller's to wait for.
      if (!breakStaleLock(lockPath)) return undefined;
    }
  }
  return undefined;
}

/** Waits (asynchronously) until the lock is free; AUDIT_UNAVAILABLE after LOCK_WAIT_MS. */
export async function lockAudit(path: string): Promise<Release> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = FIRST_RETRY_MS;
  for (;;) {
    const release = tryLockAudit(path);
    if (release) return release;
    if (Date.now() > deadline) {
      throw new BlindfoldError('AUDIT_UNAVAILABLE', `the audit log ${path} stayed locked by another process; the call was refused`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}

function releaseIfOurs(lockPath: string, token: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
  } catch {
    // removed by a stale-lock breaker; nothing to do
  }
}

/** Removes the lock file if it is stale; true when it was (or is already gone). */
function breakStaleLock(lockPath: string): boolean {
  try {
    const age = Date.now() - statSync(lockPath).mtimeMs;
    const pid = Number(readFileSync(lockPath, 'utf8').split(' ')[0]);
    let stale = age > STALE_LOCK_MS;
    if (!stale && Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        stale = (e as NodeJS.ErrnoException).code !== 'EPERM';
      }
    }
    // An empty file is a lock whose pid is not written yet: only the age bound breaks it.
    if (stale) unlinkSync(lockPath);
    return stale;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
