/**
 * What a principal may see and use (SPEC §8, issue 19 item 3): secret-name and task-name globs
 * (`*` any run of characters, `?` one), and the environment its values come from. A secret or task
 * outside the scope is treated everywhere as if it did not exist: not listed, not resolvable, not
 * suggested as a close name, not named by a redaction marker.
 *
 * Scopes nest: a handle made from a scoped handle sees only what both allow, so `as(...)` can
 * narrow a principal and never widen it.
 */
import { BlindfoldError } from '../errors.js';

export interface Scope {
  /** Secret-name globs; undefined means every secret. */
  secrets?: readonly string[] | undefined;
  /** Task-name globs; undefined means every task (still only those whose secrets are all in scope). */
  tasks?: readonly string[] | undefined;
  /** The scope this one was narrowed from: both must allow. */
  within?: Scope | undefined;
}

/** A glob is what a name may hold (letters, digits, `_`, `-`) plus `*` and `?`. */
const GLOB = /^[A-Za-z0-9_*?-]{1,128}$/;

const compiled = new Map<string, RegExp>();
export function globRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.replace(/[*?]/g, (c) => (c === '*' ? '.*' : '.'))}$`);
    compiled.set(glob, re);
  }
  return re;
}

function allowedBy(globs: readonly string[] | undefined, name: string): boolean {
  return !globs || globs.some((g) => globRegExp(g).test(name));
}

export function secretInScope(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.within) if (!allowedBy(s.secrets, name)) return false;
  return true;
}

/** A task is in scope when its name is, and every secret it uses is. */
export function taskInScope(scope: Scope | undefined, task: { name: string; secrets: readonly string[] }): boolean {
  for (let s = scope; s; s = s.within) if (!allowedBy(s.tasks, task.name)) return false;
  return task.secrets.every((name) => secretInScope(scope, name));
}

/** Whether the scope limits anything at all (an unscoped principal sees every name). */
export function isScoped(scope: Scope | undefined): boolean {
  for (let s = scope; s; s = s.within) if (s.secrets || s.tasks) return true;
  return false;
}

/** Checks globs given by a caller; the glob itself is not repeated (it may be a value typed in the wrong place). */
export function checkGlobs(globs: readonly string[] | undefined, what: 'secrets' | 'tasks'): string[] | undefined {
  if (globs === undefined) return undefined;
  if (!Array.isArray(globs)) throw new BlindfoldError('BAD_INPUT', `${what}: a list of name globs is expected`);
  for (const g of globs) {
    if (typeof g !== 'string' || !GLOB.test(g)) {
      throw new BlindfoldError('BAD_INPUT', `${what}: a glob is letters, digits, _, -, * and ? (at most 128; not repeated here)`);
    }
  }
  return [...globs];
}
