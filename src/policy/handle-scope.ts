/**
 * What `as(...)` makes of a handle's principal (SPEC §8): the new principal is never wider than
 * the one it was made from — its globs nest inside the parent's, and a handle made from another
 * handle than the core's own keeps that handle's environment and answers for its suspensions.
 */
import { resolveEnvironment } from '../config.js';
import { BlindfoldError } from '../errors.js';
import type { Principal } from './authorize.js';
import { checkGlobs, isScoped } from './scope.js';

/** What `as(...)` narrows a handle to: who it is, its environment, what it may see. */
export interface HandleScope {
  /** Recorded verbatim as the audit principal and the key of suspensions and limits (e.g. `token:ci-bot`). */
  principal: string;
  /** Environment its values come from; default the parent handle's (only the core's own handle may name another). */
  env?: string;
  /** Secret-name globs (`*`, `?`); default every secret the parent handle sees. */
  secrets?: string[];
  /** Task-name globs; default every task the parent sees whose secrets are all in scope. */
  tasks?: string[];
  /** Once aborted, the handle sends nothing more: a task's next step and calls waiting for a slot are refused. */
  signal?: AbortSignal;
}

const PRINCIPAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** The principal of a handle made from `parent`'s with `scope`; `fromCore`: the parent is the core's own handle. */
export function narrowedPrincipal(parent: Principal, scope: HandleScope, fromCore: boolean): Principal {
  if (typeof scope?.principal !== 'string' || !PRINCIPAL_ID.test(scope.principal)) {
    throw new BlindfoldError('BAD_INPUT', 'principal: letters, digits, _ . : and - (at most 128; not repeated here)');
  }
  const [secrets, tasks] = [checkGlobs(scope.secrets, 'secrets'), checkGlobs(scope.tasks, 'tasks')];
  const env = scope.env === undefined ? parent.env : resolveEnvironment(scope.env);
  // A handle fixed to development never makes one for production.
  if (!fromCore && env !== parent.env) throw new BlindfoldError('BAD_ENVIRONMENT', 'env: a handle made from another handle keeps its environment; only the handle openBlindfold returned chooses another');
  // A suspension of the parent's principal (or of one it was made from) stops the new one too.
  const parents = fromCore ? undefined : [parent.id, ...(parent.parents ?? [])];
  const ended = scope.signal && parent.ended ? AbortSignal.any([scope.signal, parent.ended]) : (scope.signal ?? parent.ended);
  return { id: scope.principal, env, ...(secrets ? { secrets } : {}), ...(tasks ? { tasks } : {}), ...(isScoped(parent) ? { within: parent } : {}), ...(ended ? { ended } : {}), ...(parents ? { parents } : {}) };
}
