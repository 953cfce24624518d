/**
 * The vault service: secrets with per-environment encrypted values, policy and history, over the
 * locked store. Nothing here knows about MCP or the CLI. Plaintext exists only as the argument of
 * `set` and the return value of `resolve`; it is never logged, cached or put in an error.
 *
 * Every change is handed to the change recorder (the audit trail) inside the store's write lock,
 * after the change is computed and before the new file is renamed into place: if recording fails,
 * nothing is written (promise 9).
 */
import { BlindfoldError } from '../errors.js';
import type { BlindfoldPaths } from '../config.js';
import { randomKey } from './crypto.js';
import type { KeyMaterial } from './keyring.js';
import { DEFAULT_ENVIRONMENT } from './names.js';
import { AUDIT_KEY_BINDING, openVaultFile, type OpenOptions } from './open.js';
import {
  applyRollback,
  applySet,
  historyOf,
  notFound,
  prepareSet,
  toInfo,
  type HistoryInfo,
  type SecretInfo,
  type SetOutcome,
  type SetSecretInput,
  type ValueSealer,
} from './records.js';
import type { ChangeRecorder, VaultEvent, VaultWrite } from './changes.js';
import { rotateMasterKey, type RotationProgress } from './rotation.js';
import type { SecretRecord, VaultFile } from './schema.js';
import type { VaultKeys } from './keys.js';
import type { StoreFingerprint, VaultStore } from './store.js';

export type { HistoryInfo, SecretInfo, SetOutcome, SetSecretInput } from './records.js';
export type { OpenOptions } from './open.js';
export { prepareSet as validateSetInput } from './records.js';

export type { ChangeRecorder, VaultEvent } from './changes.js';

const IMPORT_BATCH = 250;

export class Vault {
  readonly paths: BlindfoldPaths;
  readonly store: VaultStore;
  #data: VaultFile;
  #listing: readonly SecretInfo[] | undefined;
  readonly #keys: VaultKeys;
  #fingerprint: StoreFingerprint | null = null;
  #recorder: ChangeRecorder | undefined;
  #revision = 0;

  private constructor(paths: BlindfoldPaths, store: VaultStore, data: VaultFile, keys: VaultKeys) {
    this.paths = paths;
    this.store = store;
    this.#data = data;
    this.#keys = keys;
  }

  static async open(options: OpenOptions): Promise<Vault> {
    const { store, data, keys } = await openVaultFile(options);
    const vault = new Vault(options.paths, store, data, keys);
    vault.#fingerprint = await store.fingerprint();
    return vault;
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
   * The audit chain's MAC key: random, stored wrapped by the KEK (so `rotate-key` re-wraps it and
   * the chain verifies across rotations). New vaults get it at creation; older ones on first use.
   */
  async auditKey(): Promise<Uint8Array> {
    const binding = { vaultId: this.#data.vaultId, ...AUDIT_KEY_BINDING };
    if (!this.#data.internal?.audit) {
      await this.#write((file) => {
        if (file.internal?.audit) return;
        const key = Buffer.from(randomKey()).toString('base64');
        file.internal = { ...file.internal, audit: this.#keys.current.encrypt({ ...binding, version: 1 }, key) };
      });
    }
    const stored = this.#data.internal?.audit;
    if (!stored) throw new BlindfoldError('INTERNAL', 'the audit key could not be created');
    return new Uint8Array(Buffer.from(this.#keys.forKid(stored.kid).decrypt(binding, stored), 'base64'));
  }

  /** Picks up writes made by other processes, and the new key after a rotation; one stat when nothing changed. */
  async refresh(): Promise<void> {
    const fp = await this.store.fingerprint();
    const old = this.#fingerprint;
    if (fp && old && fp.mtimeMs === old.mtimeMs && fp.size === old.size && fp.ino === old.ino) {
      if (this.#keys.missing) {
        await this.#keys.follow(this.#data);
        if (!this.#keys.missing) this.#revision++; // values under the followed key are readable now
      }
      return;
    }
    const data = await this.store.read();
    if (!data) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.paths.vault} disappeared`);
    await this.#keys.follow(data);
    this.#adopt(data);
    this.#fingerprint = fp;
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
    const record = this.#record(name);
    const usedEnv = record.values[env] ? env : DEFAULT_ENVIRONMENT;
    const value = record.values[usedEnv];
    if (!value) {
      throw new BlindfoldError(
        'NO_VALUE_FOR_ENVIRONMENT',
        `${name} has no value for environment "${env}" and no default value; an admin can add one with \`blindfold set ${name} --env ${env}\``,
        { name, env },
      );
    }
    return this.#keys.forKid(value.kid).decrypt({ vaultId: this.#data.vaultId, name, env: usedEnv }, value);
  }

  async set(input: SetSecretInput): Promise<SetOutcome> {
    const change = prepareSet(input);
    return this.#write((file, record) => {
      const outcome = applySet(file, change, this.#sealer(), new Date().toISOString());
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
          const o = applySet(file, c, this.#sealer(), now);
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
  *everyValue(): Generator<{ name: string; value: string }> {
    const vaultId = this.#data.vaultId;
    for (const record of Object.values(this.#data.secrets)) {
      for (const values of [record.values, ...record.history.map((h) => h.values)]) {
        for (const [env, value] of Object.entries(values)) {
          let plain: string;
          try {
            plain = this.#keys.forKid(value.kid).decrypt({ vaultId, name: record.name, env }, value);
          } catch {
            continue;
          }
          yield { name: record.name, value: plain };
        }
      }
    }
  }

  /** Bumped each time the in-memory data is replaced (a refresh that read a change, or our own write). */
  get revision(): number {
    return this.#revision;
  }

  /** Decrypts every stored value (current and history) to prove the file is intact; returns the count. */
  verifyAll(): number {
    let checked = 0;
    for (const record of Object.values(this.#data.secrets)) {
      for (const values of [record.values, ...record.history.map((h) => h.values)]) {
        for (const [env, value] of Object.entries(values)) {
          this.#keys.forKid(value.kid).decrypt({ vaultId: this.#data.vaultId, name: record.name, env }, value);
          checked++;
        }
      }
    }
    return checked;
  }

  async remove(name: string): Promise<void> {
    await this.#write((file, record) => {
      if (!Object.hasOwn(file.secrets, name)) throw notFound(name, Object.keys(file.secrets));
      delete file.secrets[name];
      record({ action: 'secret.delete', names: [name] });
    });
  }

  async rollback(name: string, toVersion: number): Promise<SecretInfo> {
    return this.#write((file, record) => {
      const info = applyRollback(file, name, toVersion, new Date().toISOString());
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

  #sealer(): ValueSealer {
    return {
      seal: (file, name, env, version, value) => this.#keys.current.encrypt({ vaultId: file.vaultId, name, env, version }, value),
      equals: (file, name, env, stored, value) =>
        this.#keys.forKid(stored.kid).decrypt({ vaultId: file.vaultId, name, env }, stored) === value,
    };
  }

  #record(name: string): SecretRecord {
    const record = Object.hasOwn(this.#data.secrets, name) ? this.#data.secrets[name] : undefined;
    if (!record) throw notFound(name, Object.keys(this.#data.secrets));
    return record;
  }

  /**
   * Locked read→modify→record→write; refuses if the file on disk is not the vault our key opens.
   * With `onlyIfRecorded`, a mutation that recorded no event (nothing changed) writes nothing.
   */
  async #write<R>(
    mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R,
    opts: { skipKeyCheck?: boolean; onlyIfRecorded?: boolean } = {},
  ): Promise<R> {
    let written: VaultFile | undefined;
    const result = await this.store.update(async (current) => {
      if (!current) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.paths.vault} disappeared; nothing was written`);
      if (current.vaultId !== this.#data.vaultId) {
        throw new BlindfoldError('VAULT_SEALED', `the vault file ${this.paths.vault} was replaced by another vault; nothing was written`);
      }
      if (!opts.skipKeyCheck && !this.#keys.current.verifyKeyCheck(current.vaultId, current.keyCheck)) {
        throw new BlindfoldError('VAULT_SEALED', 'the vault was re-keyed by another process; reopen it with the new key (nothing was written)');
      }
      const events: VaultEvent[] = [];
      // `current` was parsed from disk inside this lock and is shared with nobody: change it in place.
      const result = mutate(current, (e) => events.push(e));
      if (events.length > 0) {
        if (!this.#recorder) throw new BlindfoldError('AUDIT_UNAVAILABLE', 'no audit trail is attached to this vault; the change was refused');
        await this.#recorder(events);
      }
      if (opts.onlyIfRecorded && events.length === 0) return { result };
      written = current;
      return { next: current, result };
    });
    // What we wrote is the freshest state we know; adopt it without reading it back. The
    // fingerprint is dropped, so the next refresh() re-reads once in case another writer
    // followed ours before we got here.
    if (written) this.#adopt(written);
    this.#fingerprint = null;
    return result;
  }

  #adopt(data: VaultFile): void {
    if (data.vaultId !== this.#data.vaultId) {
      throw new BlindfoldError('VAULT_SEALED', `the vault file ${this.paths.vault} was replaced by another vault`);
    }
    this.#data = data;
    this.#listing = undefined;
    this.#revision++;
  }
}

function setEvent(outcome: SetOutcome, env: string): VaultEvent {
  return { action: outcome.created ? 'secret.create' : 'secret.update', names: [outcome.info.name], env, version: outcome.info.version };
}
