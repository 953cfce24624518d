/**
 * One page of a secret listing (issue 22: a model cannot use 100,000 names). Every door that lists
 * secrets to an agent (the MCP tool, the runtime plugins) pages the same way: by name, after the
 * last name of the previous page, so a secret added or removed between two calls neither shifts nor
 * repeats the rest. The cursor is opaque to the caller: the base64url of the last name given.
 */
import { BlindfoldError } from '../errors.js';
import { SECRET_NAME_RULE } from './names.js';

export const LIST_LIMIT = { default: 100, max: 500 } as const;

export interface ListingPage<T> {
  items: T[];
  /** How many matched in all (every page). */
  total: number;
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** The page of `sorted` (sorted by name) after `cursor`, at most `limit` long. */
export function pageOf<T extends { name: string }>(sorted: readonly T[], limit: number = LIST_LIMIT.default, cursor?: string): ListingPage<T> {
  const after = cursor === undefined ? undefined : nameIn(cursor);
  const start = after === undefined ? 0 : firstAfter(sorted, after);
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + items.length < sorted.length && last !== undefined;
  return { items, total: sorted.length, ...(more ? { nextCursor: Buffer.from(last.name, 'utf8').toString('base64url') } : {}) };
}

function nameIn(cursor: string): string {
  const name = /^[A-Za-z0-9_-]{1,100}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  // A cursor this server did not give (or one edited by hand) is refused, never read as "from the start".
  if (!SECRET_NAME_RULE.test(name) || Buffer.from(name, 'utf8').toString('base64url') !== cursor) {
    throw new BlindfoldError('BAD_INPUT', 'cursor: not a cursor list_secrets gave; call list_secrets without it to start from the first page');
  }
  return name;
}

/** Index of the first entry whose name sorts after `name` (binary search: the listing can be long). */
function firstAfter(sorted: readonly { name: string }[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.name <= name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
