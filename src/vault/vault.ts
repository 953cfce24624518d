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
import { indexKeyFrom, tokenKeyFrom, openInternalKey, sealNewInternalKey, type InternalKeyPurpose } from './internal-keys.js';
import type { KeyMaterial } from './keyring.js';
import type { VaultKeys } from './keys.js';
import { openVaultFile, type OpenedVault, type OpenOptions } from './open.js';
import type { HomeState } from '../store/home-state.js';
import { applyRollback, historyOf, type HistoryInfo } from './versions.js';
import { notFound } from './names.js';
import { applySet, prepareSet, setEvent, setInBatches, toInfo, type ImportOutcome, type SecretInfo, type SetOutcome, type SetSecretInput } from './records.js';
import { decryptEvery, fingerprintEvery, renamer, resolveValue, retirer, valueSealer, verifyEvery, type IndexedFingerprints } from './plaintext.js';
import { applyRemove, retiredCount, type RemoveOptions } from './removal.js';
import { rotateMasterKey, type RotationProgress } from './rotation.js';
import type { SecretRecord, VaultFile } from './schema.js';
import { VAULT_COLLECTIONS, type VaultStore } from './store.js';
import { writeRecorded } from './write.js';
import { InFlight } from './in-flight.js';
import { ChangeLog } from './change-log.js';
import { TokenRegistry } from './tokens.js';

export { prepareSet as validateSetInput, type SecretInfo, type SetOutcome, type SetSecretInput } from './records.js';
export type { HistoryInfo } from './versions.js';
export type { OpenOptions } from './open.js';
export type { Fingerprinter } from './fingerprints.js';
export type { ChangeRecorder, VaultEvent } from './changes.js';
export type { IndexedFingerprints } from './plaintext.js';
export type { RemoveOptions } from './removal.js';

export class Vault {
  readonly paths: BlindfoldPaths;
  readonly store: VaultStore;
  /** The home's small shared state (suspensions, allowance, quarantine), beside the secrets' store. */
  readonly state: HomeState;
  #data: VaultFile;
  #listing: readonly SecretInfo[] | undefined;
  readonly #keys: VaultKeys;
  /** The store's stamp for #data; null forces the next refresh to read. */
  #stamp: string | null;
  #recorder: ChangeRecorder | undefined;
  #fingerprints: FingerprintBinder | undefined;
  readonly #changes = new ChangeLog();
  /** Writes and refreshes in flight: background work waits for them (in-flight.ts). */
  readonly #busy = new InFlight();
  #tokens: TokenRegistry | undefined;
  /** The store revision this vault last took in (the document itself moves with the store). */
  #seen: number;

  private constructor(paths: BlindfoldPaths, { store, state, data, keys, stamp }: OpenedVault) {
    this.paths = paths;
    this.store = store;
    this.state = state;
    this.#data = data;
    this.#keys = keys;
    this.#stamp = stamp;
    this.#seen = data.revision;
  }

  static async open(options: OpenOptions): Promise<Vault> {
    return new Vault(options.paths, await openVaultFile(options));
  }

  get vaultId(): string { return this.#data.vaultId; }
  get keyId(): number { return this.#keys.current.kid; }
  get rotationPending(): boolean { return this.#data.rotation !== null; }

  /** Agent tokens (tokens.ts), kept in this vault's store beside the secrets; their hash key is derived from the audit key. */
  get tokens(): TokenRegistry {
    const key = async () => tokenKeyFrom(await this.auditKey());
    return (this.#tokens ??= new TokenRegistry({ file: () => this.#data, write: this.#write.bind(this), key }));
  }

  /** Where this process's key came from (so `rotate-key` knows which key to replace). */
  get keySource(): KeyMaterial['source'] { return this.#keys.material.source; }

  /** Every change from now on goes through this recorder, inside the write lock. */
  recordChangesWith(recorder: ChangeRecorder): void {
    this.#recorder = recorder;
    this.store.onAbandoned((revision) => recorder.abort(revision));
  }

  /** Values written from now on carry their fingerprints (keyed by `indexKey()`); `everyFingerprint` works. */
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
  refresh(): Promise<void> {
    return this.#busy.run(async () => {
      if (!(await this.store.changedSince(this.#stamp))) {
        if (this.#keys.missing) {
          await this.#keys.follow(this.#data);
          if (!this.#keys.missing) this.#bump(null); // values under the followed key are readable now
        }
        return;
      }
      await this.#catchUp();
    });
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

  names(): string[] { return Object.keys(this.#data.secrets).sort(); }

  /** How many secrets there are, without sorting their names (serve's banner, at start). */
  get size(): number { return Object.keys(this.#data.secrets).length; }

  has(name: string): boolean { return Object.hasOwn(this.#data.secrets, name); }

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

  /** Stores many values (import): all validated before the first write, then in locked batches (records.ts). */
  async setMany(inputs: SetSecretInput[], onProgress?: (p: RotationProgress) => void): Promise<ImportOutcome> {
    const sealer = () => valueSealer(this.#keys, this.#fingerprints);
    return setInBatches((mutate) => this.#write(mutate, { onlyIfRecorded: true }), inputs.map(prepareSet), sealer, onProgress);
  }

  /**
   * Every stored value, decrypted: each secret's every environment, current and kept versions — what the redactor indexes
   * so that any value any principal may use is redacted, resolved here or not. A value whose key this process cannot load
   * (a rotation not yet followed) is skipped. `revision` changes whenever the data it reads from changes, so a caller re-reads only then.
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

  /** Takes the store's lock once, so a change a killed writer left half-done is settled (store.ts); writes nothing. */
  async settle(): Promise<number> {
    await this.store.update(() => ({ result: undefined }));
    await this.#catchUp();
    return this.#data.revision;
  }

  /** Bumped each time the in-memory data changes (a refresh that read a change, or our own write). */
  get revision(): number { return this.#changes.revision; }

  /** Resolves once no write or refresh of this vault is in flight; null when none is (in-flight.ts). */
  whenIdle(): Promise<void> | null { return this.#busy.whenIdle(); }

  /** `everyFingerprint` of only the names changed after `revision` (change-log.ts); undefined when unknown. */
  fingerprintsChangedSince(revision: number): Iterable<IndexedFingerprints> | undefined {
    if (!this.#fingerprints) throw new BlindfoldError('INTERNAL', 'fingerprintsChangedSince needs a fingerprinter (fingerprintWith) first');
    const names = this.#changes.namesSince(revision);
    return names && fingerprintEvery(this.#keys, this.#data, this.#fingerprints, names);
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

  rename(from: string, to: string): Promise<void> { return this.#write((file, record) => record(renamer(this.#keys, this.#fingerprints)(file, from, to))); }

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
    await Promise.all([this.store.close(), this.state.close?.()]);
  }

  #record(name: string): SecretRecord {
    const record = Object.hasOwn(this.#data.secrets, name) ? this.#data.secrets[name] : undefined;
    if (!record) throw notFound(name, Object.keys(this.#data.secrets));
    return record;
  }

  /** See write.ts. The store applied what landed; catching up reads only what followed it. */
  #write<R>(mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R, opts: WriteOptions = {}): Promise<R> {
    return this.#busy.run(async () => {
      const result = await writeRecorded({ store: this.store, vaultId: this.#data.vaultId, keys: this.#keys, recorder: this.#recorder }, mutate, opts);
      await this.#catchUp();
      return result;
    });
  }

  /** Takes in what the store holds now, noting which names changed since we last looked. */
  async #catchUp(): Promise<void> {
    // The store changes its document in place, so what we last saw is kept apart from it.
    const before = this.#seen;
    const same = this.#data;
    const { document, stamp } = await this.store.read();
    if (!document) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.store.location} disappeared`);
    if (document.vaultId !== this.#data.vaultId) {
      throw new BlindfoldError('VAULT_SEALED', `the vault file ${this.store.location} was replaced by another vault`);
    }
    this.#stamp = stamp;
    if (document === same && document.revision === before) return;
    await this.#keys.follow(document);
    const changes = document === same ? this.store.changesSince(before) : null;
    this.#data = document;
    this.#seen = document.revision;
    this.#bump(changes ? [...new Set(VAULT_COLLECTIONS.flatMap((c) => changes.records[c] ?? []))] : null);
  }

  #bump(names: readonly string[] | null): void {
    this.#listing = undefined;
    this.#changes.bump(names);
  }
}
