/**
 * Authorization: may this principal send these secrets, placed there, to that destination, and may
 * a redirect take them further. One set of rules for an agent's request (checked on every call) and
 * for a task file (checked when it loads), so a task can never be written that a call would refuse.
 */
import { BlindfoldError } from '../errors.js';
import { closestNames } from '../template/suggest.js';
import type { SecretUse } from '../template/request.js';
import type { SecretInfo } from '../vault/records.js';
import { findMatchingHost } from './hosts.js';
import { parseInject } from './inject.js';
import { secretInScope, type Scope } from './scope.js';
import { repeatable } from '../echo.js';

/** Who is asking: an agent connection. Its environment is fixed by the admin, never by the agent. */
export interface Principal extends Scope {
  id: string;
  env: string;
  /** Aborted when the principal's handle is ended (its token revoked or expired, its session closed): nothing more is sent for it. */
  ended?: AbortSignal;
  /** The principals of the handles this one was made from (never the core's own): a suspension of any of them stops this one too. */
  parents?: readonly string[];
}

/** What authorization reads of the vault: policy only, never a value. */
export interface SecretCatalog {
  has(name: string): boolean;
  get(name: string): SecretInfo;
  names(): string[];
}

export interface SecretsWanted {
  /** Where the request's own `<secrets.X>` expressions land. */
  uses: readonly SecretUse[];
  /** Secrets placed by their inject rule (a task step's `secret_name`): the admin's own placement. */
  injected: readonly string[];
  target: URL;
}

/** A secret outside the principal's scope is refused exactly as one that does not exist. */
export function mayUse(principal: Principal | undefined, name: string): boolean {
  return secretInScope(principal, name);
}

/** The policy of every secret wanted, after checking each may go where it is asked to; throws otherwise. */
export function authorizeSecrets(catalog: SecretCatalog, principal: Principal | undefined, wanted: SecretsWanted): SecretInfo[] {
  const byName = new Map<string, SecretInfo>();
  const lookup = (name: string): SecretInfo => {
    let info = byName.get(name);
    if (!info) {
      if (!catalog.has(name) || !mayUse(principal, name)) throw notFound(catalog, principal, name);
      info = catalog.get(name);
      byName.set(name, info);
    }
    return info;
  };
  for (const name of wanted.injected) parseInject(lookup(name).inject);
  for (const use of wanted.uses) {
    const info = lookup(use.name);
    if (!info.placements.includes(use.placement)) {
      throw new BlindfoldError(
        'PLACEMENT_NOT_ALLOWED',
        // Agent-facing: it says who decides, never the command (an agent must not learn to widen its access).
        `${use.name} may not be placed in the ${use.placement} (${use.where}); it is allowed in: ${info.placements.join(', ')}. ` +
          'Only an admin can change where it may be placed',
        { name: use.name, placement: use.placement },
      );
    }
  }
  for (const info of byName.values()) {
    if (!findMatchingHost(info.hosts, wanted.target)) {
      throw new BlindfoldError(
        'HOST_NOT_ALLOWED',
        `${info.name} may not be sent to ${wanted.target.origin}, a host it is not bound to; its hosts: ${info.hosts.join(', ') || 'none at all'}. ` +
          'Only an admin can bind it to another host',
        { name: info.name, origin: wanted.target.origin, hosts: info.hosts },
      );
    }
  }
  return [...byName.values()];
}

function notFound(catalog: SecretCatalog, principal: Principal | undefined, name: string): BlindfoldError {
  const close = closestNames(name, catalog.names().filter((n) => mayUse(principal, n)));
  return new BlindfoldError(
    'SECRET_NOT_FOUND',
    `secret ${repeatable(name)} does not exist${close.length ? `; did you mean ${close.join(', ')}?` : ''} (list_secrets shows the names you can use)`,
    { name, suggestions: close },
  );
}

/**
 * Why a redirect to `next` is not followed, or undefined when it may be. Secrets never travel to
 * another origin, and every hop must be a host each secret on board is bound to.
 */
export function redirectRefusal(secrets: readonly SecretInfo[], from: URL, next: URL): string | undefined {
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return `redirects to ${next.protocol} are never followed`;
  if (secrets.length === 0) return undefined;
  if (next.origin !== from.origin) {
    return 'the redirect leads to another origin and the request carries secrets, which never travel to another origin';
  }
  const unbound = secrets.find((info) => !findMatchingHost(info.hosts, next));
  return unbound ? `the redirect target is not a host ${unbound.name} is bound to` : undefined;
}
