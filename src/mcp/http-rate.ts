/**
 * A token's rate (`token create --rate`, kept per minute): a bucket per principal holding at most
 * a minute's calls, refilled continuously, so a burst of a minute's worth passes and the steady
 * rate is the one given. A call past it is refused with how long until the next one fits, which
 * the server sends as HTTP 429 `Retry-After`. Counted are tool calls, the requests that act:
 * initialize, listings and notifications are not, so a client's handshake spends nothing.
 */
interface Bucket {
  tokens: number;
  at: number;
}

/** Where rates are counted: this process (RateLimiter), or the store every instance shares. */
export interface RateCounter {
  take(principal: string, perMinute: number, calls: number): number | undefined | Promise<number | undefined>;
}

export class RateLimiter implements RateCounter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Takes `calls` from the principal's bucket: undefined when they fit, else the seconds to wait. */
  take(principal: string, perMinute: number, calls: number): number | undefined {
    const now = this.#now();
    const perMs = perMinute / 60_000;
    const bucket = this.#buckets.get(principal) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(principal, bucket);
    if (bucket.tokens >= calls) {
      bucket.tokens -= calls;
      return undefined;
    }
    // A batch larger than the whole bucket can never fit: it waits a full minute, then is still refused.
    const missing = Math.min(calls, perMinute) - bucket.tokens;
    return Math.max(1, Math.ceil(missing / perMs / 1000));
  }
}

/** How many tool calls a JSON-RPC message (or batch) holds. */
export function toolCallsIn(body: unknown): number {
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter((m) => typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'tools/call').length;
}
