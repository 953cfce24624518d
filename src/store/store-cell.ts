/**
 * A cell kept in the vault's store (issue 19: one revision, one feed for every seam): the value is
 * one record of the store's `state` collection, so a suspension, an allowance spent or an origin
 * quarantined lands as a change of the same journal as the secrets — under the same lock, in the
 * same revision, reaching every process through the same change feed (and PostgreSQL's NOTIFY).
 *
 * `read` is synchronous (it is asked on every request): it answers from the document as this
 * process last read it, which the vault refreshes at the start of every request. A value of the
 * previous release, kept in a file of its own (suspended.json…), is read until the store holds
 * one, and is what the first update starts from: nobody suspended before an upgrade is let go by it.
 */
import type { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import type { CellChange, StateCell } from './cells.js';
import type { SecretStore, StoreDocument } from './secret-store.js';

/** A document with the `state` collection (the vault's). */
export interface StatefulDocument extends StoreDocument {
  state?: Record<string, unknown>;
}

export class StoreCell<T> implements StateCell<T> {
  readonly #store: SecretStore<StatefulDocument>;
  readonly #name: string;
  readonly #schema: z.ZodType<T>;
  readonly #empty: () => T;
  readonly #what: string;
  readonly #legacy: StateCell<T> | undefined;
  /** The stored value last checked, and what it checked to (records are replaced, never changed in place). */
  #checked: { raw: unknown; value: T } | undefined;

  constructor(store: SecretStore<StatefulDocument>, name: string, schema: z.ZodType<T>, empty: () => T, what: string, legacy?: StateCell<T>) {
    this.#store = store;
    this.#name = name;
    this.#schema = schema;
    this.#empty = empty;
    this.#what = what;
    this.#legacy = legacy;
  }

  read(): T {
    return this.#valueIn(this.#store.lastRead());
  }

  update<R>(change: (current: T) => CellChange<T, R>): Promise<R> {
    return this.#store.update((draft) => {
      if (!draft) throw new BlindfoldError('VAULT_NOT_FOUND', `${this.#what} is kept in the vault, and there is no vault at ${this.#store.location}`);
      const { next, result } = change(structuredClone(this.#valueIn(draft)));
      if (next === undefined) return { result };
      (draft.state ??= {})[this.#name] = next;
      return { next: draft, result };
    });
  }

  async overwrite(next: T): Promise<void> {
    await this.update(() => ({ next, result: undefined }));
  }

  #valueIn(document: StatefulDocument | null): T {
    const state = document?.state;
    const raw = state && Object.hasOwn(state, this.#name) ? state[this.#name] : undefined;
    if (raw === undefined) return this.#legacy?.read() ?? this.#empty();
    if (this.#checked?.raw === raw) return this.#checked.value;
    const result = this.#schema.safeParse(raw);
    // Fail closed: a damaged list must never read as "nobody is suspended".
    if (!result.success) throw new BlindfoldError('INTERNAL', `${this.#what} in the vault ${this.#store.location} is not valid`);
    this.#checked = { raw, value: result.data };
    return result.data;
  }
}
