/**
 * The vault service: secrets with per-environment encrypted values, policy and history, over the
 * locked store. Nothing here knows about MCP or the CLI. Plaintext exists only as the argument of
 * `set` and the return value of `resolve`; it is never logged, cached or put in an error.
 *
 * Every change is handed to the change recorder (the audit trail) inside the store's write lock,
 * after the change is computed and before it lands (write.ts): if recording fails, nothing is
 * written (promise 9). With a fingerprinter attached, every value written carries its redaction
 * fingerprints (fingerprints.ts), so the redaction index is built without decrypting.
 */
import { BlindfoldError } from '../errors.js';
import type { BlindfoldPaths } from '../config.js';
import type { ChangeRecorder, VaultEvent, WriteOptions } from './changes.js';
import { FingerprintBinder, type Fingerprinter } from './fingerprints.js';
import { indexKeyFrom, openInternalKey, sealNewInternalKey, type InternalKeyPurpose } from './internal-keys.js';
import type { KeyMaterial } from './keyring.js';
import type { VaultKeys } from './keys.js';
import { openVaultFile, type OpenOptions } from './open.js';
import { applyRollback, historyOf, type HistoryInfo } from './versions.js';
import { notFound } from './names.js';
import { applySet, prepareSet, setEvent, toInfo, type SecretInfo, type SetOutcome, type SetSecretInput } from './records.js';
import { decryptEvery, fingerprintEvery, resolveValue, retirer, valueSealer, verifyEvery, type IndexedFingerprints } from './plaintext.js';
import { applyRemove, retiredCount, type RemoveOptions } from './removal.js';
import { rotateMasterKey, type RotationProgress } from './rotation.js';
import type { SecretRecord, VaultFile } from './schema.js';
import type { VaultStore } from './store.js';
import { writeRecorded } from './write.js';

export type { SecretInfo, SetOutcome, SetSecretInput } from './records.js';
export type { HistoryInfo } from './versions.js';
export type { OpenOptions } from './open.js';
export { prepareSet as validateSetInput } from './records.js';
export type { Fingerprinter } from './fingerprints.js';
export type { ChangeRecorder, VaultEvent } from './changes.js';
export type { IndexedFingerprints } from './plaintext.js';
export type { RemoveOptions } from './removal.js';

const IMPORT_BATCH = 250;

export class Vault {
  readonly paths: BlindfoldPaths;
  readonly store: VaultStore;
  #data: VaultFile;
  #listing: readonly SecretInfo[] | undefined;
  readonly #keys: VaultKeys;
  /** The store's stamp for #data; null forces the next refresh to read. */
  #stamp: string | null;
  #recorder: ChangeRecorder | undefined;
  #fingerprints: FingerprintBinder | undefined;
  #revision = 0;

  private constructor(paths: BlindfoldPaths, store: VaultStore, data: VaultFile, keys: VaultKeys, stamp: string | null) {
    this.paths = paths;
    this.store = store;
    this.#data = data;
    this.#keys = keys;
    this.#stamp = stamp;
  }

  static async open(options: OpenOptions): Promise<Vault> {
    const { store, data, keys, stamp } = await openVaultFile(options);
    return new Vault(options.paths, store, data, keys, stamp);
  }

  get vaultId(): string {
    return this.#data.vaultId;
  }

  get keyId(): number {
    return this.#keys.current.kid;
  }

  get rotationPending(): boolean {
    return this.#data.rotation !== null;
  }

  /** Where this process's key came from (so `rotate-key` knows which key to replace). */
  get keySource(): KeyMaterial['source'] {
    return this.#keys.material.source;
  }

  /** Every change from now on goes through this recorder, inside the write lock. */
  recordChangesWith(recorder: ChangeRecorder): void {
    this.#recorder = recorder;
  }

  /**
   * Values written from now on carry their fingerprints, and `everyFingerprint` can be called.
   * The fingerprinter is expected to be keyed by `indexKey()`.
   */
  async fingerprintWith(fingerprinter: Fingerprinter): Promise<void> {
    this.#fingerprints = new FingerprintBinder(await this.indexKey(), fingerprinter);
  }

  /** The audit chain's MAC key (so the chain verifies across rotations: rotate-key re-wraps it). */
  async auditKey(): Promise<Uint8Array> {
    return this.#internalKey('audit');
  }

  /** The key the redaction index's fingerprints are made with: stable across rotations and restarts. */
  async indexKey(): Promise<Uint8Array> {
    return indexKeyFrom(await this.#internalKey('audit'));
  }

  /** Picks up writes made by other processes, and the new key after a rotation; one stat when nothing changed. */
  async refresh(): Promise<void> {
    if (!(await this.store.changedSince(this.#stamp))) {
      if (this.#keys.missing) {
        await this.#keys.follow(this.#data);
        if (!this.#keys.missing) this.#revision++; // values under the followed key are readable now
      }
      return;
    }
    const { document, stamp } = await this.store.read();
    if (!document) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.store.location} disappeared`);
    await this.#keys.follow(document);
    this.#adopt(document);
    this.#stamp = stamp;
  }

  /** Sorted by name; built once per vault revision (list_secrets is called often, writes are rare). */
  list(): readonly SecretInfo[] {
    this.#listing ??= Object.freeze(
      Object.values(this.#data.secrets)
        .map((record) => Object.freeze(toInfo(record)))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
    return this.#listing;
  }

  names(): string[] {
    return Object.keys(this.#data.secrets).sort();
  }

  /** How many secrets there are, without sorting their names (serve's banner, at start). */
  get size(): number {
    return Object.keys(this.#data.secrets).length;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#data.secrets, name);
  }

  get(name: string): SecretInfo {
    return toInfo(this.#record(name));
  }

  history(name: string): HistoryInfo[] {
    return historyOf(this.#record(name));
  }

  /** Decrypts the value for an environment, falling back to `default`. The caller must not keep it. */
  resolve(name: string, env: string): string {
    return resolveValue(this.#keys, this.#data, this.#record(name), env);
  }

  async set(input: SetSecretInput): Promise<SetOutcome> {
    const change = prepareSet(input);
    return this.#write((file, record) => {
      const outcome = applySet(file, change, valueSealer(this.#keys, this.#fingerprints), new Date().toISOString());
      if (outcome.changed) record(setEvent(outcome, change.env));
      return outcome;
    }, { onlyIfRecorded: true });
  }

  /**
   * Stores many values (import). All are validated before the first write; they land in locked
   * batches so a progress bar can move and one huge write does not hold the lock for long.
   */
  async setMany(inputs: SetSecretInput[], onProgress?: (p: RotationProgress) => void): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
    const changes = inputs.map(prepareSet);
    const out = { created: [] as string[], updated: [] as string[], unchanged: [] as string[] };
    for (let i = 0; i < changes.length; i += IMPORT_BATCH) {
      const batch = changes.slice(i, i + IMPORT_BATCH);
      const now = new Date().toISOString();
      const outcomes = await this.#write((file, record) =>
        batch.map((c) => {
          const o = applySet(file, c, valueSealer(this.#keys, this.#fingerprints), now);
          if (o.changed) record(setEvent(o, c.env));
          return o;
        }),
        { onlyIfRecorded: true },
      );
      for (const o of outcomes) (o.created ? out.created : o.changed ? out.updated : out.unchanged).push(o.info.name);
      onProgress?.({ done: Math.min(i + IMPORT_BATCH, changes.length), total: changes.length });
    }
    return out;
  }

  /**
   * Every stored value, decrypted: each secret's every environment, current and kept versions — what
   * the redactor indexes so that any value any principal may use is redacted, resolved here or not.
   * A value whose key this process cannot load (a rotation not yet followed) is skipped. `revision`
   * changes whenever the data it reads from changes, so a caller re-reads only then.
   */
  everyValue(): Generator<{ name: string; value: string }> {
    return decryptEvery(this.#keys, this.#data);
  }

  /**
   * The redaction index of every stored value (the same set as `everyValue`) and of every retired
   * one (tombstones, kept until `remove(…, { forgetFingerprints })`), from the stored
   * fingerprints; a value with none that is still its own (written before fingerprints, or without
   * a fingerprinter) is decrypted and fingerprinted here instead, so none is missed.
   */
  everyFingerprint(): Generator<IndexedFingerprints> {
    if (!this.#fingerprints) throw new BlindfoldError('INTERNAL', 'everyFingerprint needs a fingerprinter (fingerprintWith) first');
    return fingerprintEvery(this.#keys, this.#data, this.#fingerprints);
  }

  /** Bumped each time the in-memory data is replaced (a refresh that read a change, or our own write). */
  get revision(): number {
    return this.#revision;
  }

  /** Decrypts every stored value (current and history) to prove the file is intact; returns the count. */
  verifyAll(): number {
    return verifyEvery(this.#keys, this.#data);
  }

  /** Removes a secret; its values' fingerprints stay behind as tombstones unless told to forget them (removal.ts). */
  async remove(name: string, options: RemoveOptions = {}): Promise<void> {
    await this.#write((file, record) => {
      for (const e of applyRemove(file, name, retirer(this.#keys, this.#fingerprints), options)) record(e);
    });
  }

  /** How many retired values of `name` (removed, or rotated out of its history) are still redacted. */
  retiredCount(name: string): number {
    return retiredCount(this.#data, name);
  }

  async rollback(name: string, toVersion: number): Promise<SecretInfo> {
    return this.#write((file, record) => {
      const info = toInfo(applyRollback(file, name, toVersion, new Date().toISOString(), retirer(this.#keys, this.#fingerprints)));
      record({ action: 'secret.rollback', names: [name], version: info.version });
      return info;
    });
  }

  /**
   * Replaces the master key (see rotation.ts for the steps). The caller has stored the new key
   * where it will be found (a key file) before calling, so a kill at any point can be resumed.
   */
  async rotateKey(newMaterial: KeyMaterial, onProgress?: (p: RotationProgress) => void): Promise<{ rewrapped: number; keyId: number }> {
    const steps = { file: () => this.#data, keys: this.#keys, write: this.#write.bind(this) };
    return rotateMasterKey(steps, newMaterial, onProgress);
  }

  /** Internal keys are random, wrapped by the KEK; new vaults get them at creation, older ones on first use. */
  async #internalKey(purpose: InternalKeyPurpose): Promise<Uint8Array> {
    if (!this.#data.internal?.[purpose]) {
      await this.#write((file) => {
        if (file.internal?.[purpose]) return;
        file.internal = { ...file.internal, [purpose]: sealNewInternalKey(this.#keys.current, file.vaultId, purpose) };
      });
    }
    const stored = this.#data.internal?.[purpose];
    if (!stored) throw new BlindfoldError('INTERNAL', `the ${purpose} key could not be created`);
    return openInternalKey(this.#keys, this.#data.vaultId, purpose, stored);
  }

  /** Frees what the store holds (watchers, connections); the vault is not used afterwards. */
  async close(): Promise<void> {
    await this.store.close();
  }

  #record(name: string): SecretRecord {
    const record = Object.hasOwn(this.#data.secrets, name) ? this.#data.secrets[name] : undefined;
    if (!record) throw notFound(name, Object.keys(this.#data.secrets));
    return record;
  }

  /** See write.ts. What landed is the freshest state we know: adopted without reading it back. */
  async #write<R>(mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R, opts: WriteOptions = {}): Promise<R> {
    const context = { store: this.store, vaultId: this.#data.vaultId, keys: this.#keys, recorder: this.#recorder };
    const { result, written } = await writeRecorded(context, mutate, opts);
    if (written) this.#adopt(written);
    // The next refresh re-reads once, in case another writer followed ours before we got here.
    this.#stamp = null;
    return result;
  }

  #adopt(data: VaultFile): void {
    if (data.vaultId !== this.#data.vaultId) {
      throw new BlindfoldError('VAULT_SEALED', `the vault file ${this.store.location} was replaced by another vault`);
    }
    this.#data = data;
    this.#listing = undefined;
    this.#revision++;
  }
}
