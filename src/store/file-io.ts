/**
 * The file store's dealings with the file system that are not its format: the cross-process lock,
 * a file's identity, appends that a crash point can cut in two, and sweeping what killed writers
 * left behind.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readdir, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { BlindfoldError } from '../errors.js';

export const ABSENT = 'absent';
/** A lock whose holder was killed is taken over after this long (proper-lockfile's minimum is 2 s). */
const LOCK_STALE_MS = 2_500;

/** Takes the lock beside `path`; the returned function frees it. */
export async function lockFile(path: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(path, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: 1_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 60, randomize: true },
      // Losing the lock mid-write would already have been caught by the catch-up; just say so.
      onCompromised: () => {},
    });
  } catch (err) {
    throw new BlindfoldError(
      'VAULT_LOCKED',
      `the vault ${path} is locked by another Blindfold process and did not free up (${(err as Error).message})`,
    );
  }
}

/** Names a file's content as of now (inode, size, mtime): a rename or rewrite changes it. */
export function identityOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return ABSENT;
  }
}

export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Writes `bytes` at the handle's end in two halves, with `between` (a crash point) between them. */
export async function writeInHalves(handle: FileHandle, bytes: Buffer, between: () => void): Promise<void> {
  const half = bytes.length >> 1;
  await handle.write(bytes, 0, half);
  between();
  await handle.write(bytes, half, bytes.length - half);
}

/** Calls `onChange` when a file of `path`'s folder that `matches` changes (or when the watcher cannot say which). */
export function watchNames(path: string, matches: (name: string) => boolean, onChange: () => void): FSWatcher {
  const watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (changed === null || matches(changed)) onChange();
  });
  watcher.on('error', () => {}); // the folder went away: callers still have changedSince
  return watcher;
}

/** Removes, from `path`'s folder, the files `isLitter` picks (called under the lock: no writer is live). */
export async function sweep(path: string, isLitter: (name: string) => boolean): Promise<void> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter(isLitter).map((n) => unlink(join(dir, n)).catch(() => {})));
}
