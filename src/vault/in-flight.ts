/**
 * The vault's operations in flight (its writes, and its refreshes from the store), so that
 * background work of this process — the redaction index fed after start (src/redact/vault-index.ts)
 * — waits for them instead of running between their round trips. A slice of it run while one of
 * their answers waits delays that answer by a slice; a write holds the store's lock meanwhile (on
 * PostgreSQL the vault's row, which every instance's writers queue on), so every writer waited:
 * `set` right after opening a vault of 100,000 took 70 ms, about 10 ms of it its own (B7).
 */
export class InFlight {
  #count = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  async run<R>(operation: () => Promise<R>): Promise<R> {
    this.#count++;
    try {
      return await operation();
    } finally {
      if (--this.#count === 0) {
        this.#idle?.resolve();
        this.#idle = undefined;
      }
    }
  }

  /** Resolves once nothing is in flight; null when nothing is now. */
  whenIdle(): Promise<void> | null {
    if (this.#count === 0) return null;
    if (!this.#idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }
}
