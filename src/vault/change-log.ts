/**
 * Which secret names each recent change of a vault's in-memory data touched, so the redaction index
 * is fed only those (B5: a value set by another process costs a running server what it touched,
 * not 10,000 records). A change of unknown extent (a full re-read, a key followed) is recorded as
 * null, and asks for everything.
 */
const KEPT = 64;

export class ChangeLog {
  #revision = 0;
  readonly #entries: Array<{ revision: number; names: readonly string[] | null }> = [];

  get revision(): number {
    return this.#revision;
  }

  /** Records one change and returns the new revision. */
  bump(names: readonly string[] | null): number {
    this.#revision++;
    this.#entries.push({ revision: this.#revision, names });
    if (this.#entries.length > KEPT) this.#entries.shift();
    return this.#revision;
  }

  /** Every name touched after `revision`, or undefined when that is not known. */
  namesSince(revision: number): string[] | undefined {
    if (revision === this.#revision) return [];
    const from = this.#entries.findIndex((c) => c.revision === revision + 1);
    if (from < 0) return undefined;
    const names = new Set<string>();
    for (const change of this.#entries.slice(from)) {
      if (!change.names) return undefined;
      for (const name of change.names) names.add(name);
    }
    return [...names];
  }
}
