/**
 * The secrets a principal may use, out of the vault's sorted listing. Filtered once per listing
 * (the vault builds one per revision) and principal, not on every `list_secrets`: at 100,000 names
 * the filter was most of the call (B7). An unscoped principal gets the listing itself. Held weakly:
 * a listing of an older revision, or a principal whose session ended, takes its entries with it.
 */
import type { SecretInfo } from '../vault/vault.js';
import { isScoped, secretInScope, type Scope } from './scope.js';

const filtered = new WeakMap<readonly SecretInfo[], WeakMap<Scope, readonly SecretInfo[]>>();

/** `filter`: only names or descriptions holding it (any case). */
export function inScope(listing: readonly SecretInfo[], principal: Scope, filter?: string): readonly SecretInfo[] {
  const mine = scoped(listing, principal);
  const needle = filter?.toLowerCase();
  return needle ? mine.filter((s) => s.name.toLowerCase().includes(needle) || s.description.toLowerCase().includes(needle)) : mine;
}

function scoped(listing: readonly SecretInfo[], principal: Scope): readonly SecretInfo[] {
  if (!isScoped(principal)) return listing;
  let byPrincipal = filtered.get(listing);
  if (!byPrincipal) filtered.set(listing, (byPrincipal = new WeakMap()));
  let mine = byPrincipal.get(principal);
  if (!mine) byPrincipal.set(principal, (mine = Object.freeze(listing.filter((s) => secretInScope(principal, s.name)))));
  return mine;
}
