/**
 * State the response wall keeps per principal and per origin (issue 18): small interfaces, so the
 * store can carry them later; the broker falls back to an in-memory allowance when given none.
 */
/** How many pieces of placed values a principal may see withheld before it is suspended (only a human resets it). */
export interface PartialHitAllowance {
  spend(principal: string): { used: number; exhausted: boolean } | Promise<{ used: number; exhausted: boolean }>;
}

/** Origins whose answers tripped the wire: quarantined for every principal after two, until an admin clears them. */
export interface OriginQuarantine {
  recordTrip(origin: string): void | Promise<void>;
  isQuarantined(origin: string): boolean;
}

/** The default allowance of a broker given none: 3 per principal, in this process only. */
export function memoryAllowance(limit = 3): PartialHitAllowance {
  const used = new Map<string, number>();
  return {
    spend(principal) {
      const n = (used.get(principal) ?? 0) + 1;
      used.set(principal, n);
      return { used: n, exhausted: n > limit };
    },
  };
}

