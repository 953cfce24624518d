/**
 * The redaction index of every value a vault holds (promise 4: all environments, every kept
 * version, and every retired one still remembered as a tombstone), built from the window
 * fingerprints stored beside each ciphertext (SPEC §7), so that building it at start or after a
 * change decrypts nothing.
 *
 * It is fed after start in slices, one turn of the event loop each, so that answering initialize
 * and tools/list never waits for a large vault (B4), and only while the vault has no write or
 * refresh in flight (B7); anything that needs the index (a request, the tripwire) calls
 * `complete()` first, which finishes it synchronously.
 */
import { logger } from '../log.js';
import { Redactor, windowFingerprints } from './redactor.js';

/** One stored value's window fingerprints, as a vault hands them to the index (never the value). */
export interface IndexedFingerprints {
  name: string;
  fingerprints: string;
  /** The name is public by design (set --public): redacted, never a tripwire. */
  public: boolean;
}

/**
 * What the index needs of a vault (src/vault's Vault is one; the redactor knows no vault module):
 * the key fingerprints are made with, a hook that fingerprints every value written from now on, the
 * fingerprints of every value held (current, history and tombstones), and a revision that changes
 * when they do.
 */
export interface FingerprintSource {
  readonly revision: number;
  indexKey(): Promise<Uint8Array>;
  fingerprintWith(fingerprinter: { scheme: string; fingerprint: (value: string) => string }): Promise<void>;
  everyFingerprint(): Iterable<IndexedFingerprints>;
  /** Only the names changed after `revision`, or undefined when unknown (then everything is fed). */
  fingerprintsChangedSince(revision: number): Iterable<IndexedFingerprints> | undefined;
  /** Resolves once no write or refresh of the vault is in flight; null when none is now. */
  whenIdle(): Promise<void> | null;
}

/** Names the fingerprint format, so fingerprints made by another format are redone, not trusted (v5: values read backwards too; v6: public parts by what tokens are: URL words, JSON structure, a private key's public half, red team 13). */
const FINGERPRINT_SCHEME = 'redact-w12-v6';
/**
 * Time one turn of the event loop may spend feeding the index after start: bounded by time, not
 * count, because a value without stored fingerprints costs a decryption (a hundred times more).
 */
const SLICE_MS = 4;
/** Values fed between two looks at the clock. */
const BATCH = 16;

/**
 * From now on every value this vault writes carries its fingerprints, keyed by the vault's index
 * key. Every process that writes values (a server, `set`, `import`) calls this first.
 */
export async function fingerprintVaultWrites(vault: FingerprintSource): Promise<Uint8Array> {
  const key = await vault.indexKey();
  await vault.fingerprintWith({ scheme: FINGERPRINT_SCHEME, fingerprint: (value) => windowFingerprints(key, value) });
  return key;
}

export class VaultIndex {
  readonly #vault: FingerprintSource;
  readonly #ready: Promise<void>;
  #redactor: Redactor | undefined;
  /** Vault revision being indexed (-1: none yet). */
  #revision = -1;
  #pending: Iterator<IndexedFingerprints> | undefined;
  #timer: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(vault: FingerprintSource) {
    this.#vault = vault;
    this.#ready = fingerprintVaultWrites(vault).then((key) => {
      this.#redactor = new Redactor({ key });
      if (!this.#closed) this.#timer = setImmediate(() => this.#feedInSlices());
    });
    // A failure here (sealed vault, unreadable key) surfaces on the first complete().
    this.#ready.catch(() => {});
  }

  /** Every value of the vault's current revision is indexed when this resolves. */
  async complete(): Promise<Redactor> {
    await this.#ready;
    this.#feed(Infinity);
    return this.#redactor!;
  }

  /** The redactor as it is now (undefined before the key is read, when nothing was resolved yet). */
  get current(): Redactor | undefined {
    return this.#redactor;
  }

  close(): void {
    this.#closed = true;
    clearImmediate(this.#timer);
  }

  #feedInSlices(): void {
    if (this.#closed) return;
    // Not between the round trips of the vault's writes and refreshes: each would wait a slice longer (src/vault/in-flight.ts).
    const busy = this.#vault.whenIdle();
    if (busy) {
      void busy.then(() => {
        if (!this.#closed) this.#timer = setImmediate(() => this.#feedInSlices());
      });
      return;
    }
    const until = performance.now() + SLICE_MS;
    while (!this.#feed(BATCH)) {
      if (performance.now() >= until) {
        this.#timer = setImmediate(() => this.#feedInSlices());
        return;
      }
    }
  }

  /**
   * Feeds at most `limit` values and says whether every value of the current revision is in.
   * Values are only ever added, so a value deleted or replaced since start stays redacted; the
   * vault keeps their fingerprints as tombstones (retired values), so it stays redacted after a
   * restart too, until an admin runs `rm --forget-fingerprints` (and this process restarts).
   */
  #feed(limit: number): boolean {
    const redactor = this.#redactor!;
    for (let fed = 0; fed < limit; fed++) {
      if (!this.#pending) {
        if (this.#revision === this.#vault.revision) return true;
        // A change after the index was complete feeds only what it touched (B5: ≤ 5 ms at 10,000).
        const changed = this.#revision >= 0 ? this.#vault.fingerprintsChangedSince(this.#revision) : undefined;
        this.#revision = this.#vault.revision;
        this.#pending = (changed ?? this.#vault.everyFingerprint())[Symbol.iterator]();
      }
      const next = this.#pending.next();
      if (next.done) {
        // A revision that moved while it was being fed is fed again from its start.
        this.#pending = undefined;
        fed--;
        continue;
      }
      try {
        redactor.addFingerprints(next.value.name, next.value.fingerprints);
      } catch {
        // Only a tombstone can be in a format this version does not read (a live value's is redone
        // from its value); one unreadable list must not stop the index, but an admin must hear of it.
        logger().warn({ secret: next.value.name }, 'a retired value of this secret has fingerprints in a format this version cannot read; it is not redacted');
        continue;
      }
      // The redactor tells the tripwire which names never trip (public by design); the last revision fed says.
      redactor.setPublic(next.value.name, next.value.public);
    }
    return false;
  }
}
