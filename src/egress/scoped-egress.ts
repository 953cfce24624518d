/**
 * The address guard's opt-ins, per principal, and the pooled connections that follow them.
 *
 * An exact origin an admin bound a secret to may be on a loopback or private address (an internal
 * service); the guard lets it through only for a principal whose scope holds such a secret. A
 * principal outside that scope is refused as if the secret did not exist (SPEC §8, promise 13):
 * otherwise a token scoped to one team reached another team's internal service with no secret at
 * all, and learned that the binding exists.
 *
 * The guard checks an address when a connection is opened, and undici keeps connections alive. So
 * connections are pooled only among callers with the same opted-in origins: one dispatcher per such
 * set. When an admin withdraws an opt-in, the callers' set changes and their next request gets a
 * dispatcher of its own, whose new connection is checked again; a kept-alive socket of the old set
 * is never used for them.
 */
import type { Dispatcher } from 'undici';
import { OriginOptIns } from '../policy/hosts.js';
import { inScope } from '../policy/in-scope.js';
import type { Scope } from '../policy/scope.js';
import type { SecretInfo } from '../vault/records.js';

/** Sets of opt-ins with a dispatcher kept at once; past this the least recently used is closed (after its requests end). */
const MAX_POOLS = 64;

export class ScopedEgress {
  readonly #byPrincipal = new WeakMap<Scope, OriginOptIns>();
  readonly #pools = new Map<string, Promise<Dispatcher>>();
  /** Each set's key (a set is rebuilt only when the listing changes). */
  readonly #keys = new WeakMap<ReadonlySet<string>, string>();
  readonly #anyOptIns: OriginOptIns;

  constructor(
    private readonly options: {
      configOrigins: readonly string[];
      rangeOrigins: readonly string[];
      listing: () => readonly SecretInfo[];
      /** A dispatcher whose address guard lets through exactly the origins `isOriginAllowed` says. */
      dispatcher: (isOriginAllowed: (origin: string) => boolean) => Promise<Dispatcher>;
    },
  ) {
    this.#anyOptIns = new OriginOptIns(options.configOrigins, () => [], options.rangeOrigins);
  }

  /** Whether the admin opted `origin` into partial answers (server config: the same for everyone). */
  allowsRange(origin: string): boolean {
    return this.#anyOptIns.allowsRange(origin);
  }

  /** Whether `principal` may reach `origin` although its address is special (a redirect hop asks too). */
  optedIn(principal: Scope, origin: string): boolean {
    return this.#optInsOf(principal).origins().has(origin);
  }

  /** The dispatcher for `principal`'s opt-ins as they are now. */
  dispatcherFor(principal: Scope): Promise<Dispatcher> {
    const origins = this.#optInsOf(principal).origins();
    let key = this.#keys.get(origins);
    if (key === undefined) this.#keys.set(origins, (key = [...origins].sort().join(' ')));
    let pool = this.#pools.get(key);
    // Most recently used last: an evicted pool is the one least likely to have a request about to start.
    if (pool) {
      this.#pools.delete(key);
      this.#pools.set(key, pool);
    } else {
      pool = this.options.dispatcher((origin) => origins.has(origin));
      this.#pools.set(key, pool);
      if (this.#pools.size > MAX_POOLS) {
        const [oldest, closing] = this.#pools.entries().next().value as [string, Promise<Dispatcher>];
        this.#pools.delete(oldest);
        void closing.then((d) => d.close()).catch(() => {});
      }
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(async (p) => (await p).close()));
  }

  #optInsOf(principal: Scope): OriginOptIns {
    let optIns = this.#byPrincipal.get(principal);
    if (!optIns) {
      optIns = new OriginOptIns(this.options.configOrigins, () => inScope(this.options.listing(), principal), this.options.rangeOrigins);
      this.#byPrincipal.set(principal, optIns);
    }
    return optIns;
  }
}
