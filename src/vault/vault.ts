/**
 * The vault service: secrets with per-environment encrypted values, policy and history, over the
 * locked store. Nothing here knows about MCP or the CLI. Plaintext exists only as the argument of
 * `set` and the return value of `resolve`; it is never logged, cached or put in an error.
 */
import { rename } from 'node:fs/promises';
import type { BlindfoldPaths } from '../config.js';
import { BlindfoldError } from '../errors.js';
import { DEFAULT_INJECT, parseInject } from '../policy/inject.js';
import { parseHostPattern } from '../policy/hosts.js';
import { DEFAULT_PLACEMENTS, parsePlacements, type Placement } from '../policy/placements.js';
import { Kek, newArgon2Params, randomId, randomKey, sodium } from './crypto.js';
import {
  createKeyFile,
  findConfiguredKey,
  keyFileIsPrivate,
  masterKeyFor,
  readOptionalKeyFile,
  type KeyMaterial,
} from './keyring.js';
import { assertEnvironment, assertSecretName, assertValueAcceptable, DEFAULT_ENVIRONMENT } from './names.js';
import { HISTORY_LIMIT, type KdfParams, type SecretRecord, type StoredEncryptedValue, type VaultFile } from './schema.js';
import { VaultStore, type StoreFingerprint } from './store.js';

/** Everything about a secret except its value. */
export interface SecretInfo {
  name: string;
  description: string;
  metadata: Record<string, string>;
  environments: string[];
  hosts: string[];
  placements: Placement[];
  inject: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface HistoryInfo {
  version: number;
  updatedAt: string;
  environments: string[];
  current: boolean;
}

export interface SetSecretInput {
  name: string;
  /** Omit to change only description, metadata or policy of an existing secret. */
  value?: string;
  env?: string;
  description?: string;
  metadata?: Record<string, string>;
  hosts?: string[];
  placements?: string[];
  inject?: string;
  allowShort?: boolean;
  /** Check-and-set: refuse unless the secret is at this version (0 = must not exist yet). */
  expectedVersion?: number;
}

export interface VaultEvent {
  action: 'secret.create' | 'secret.update' | 'secret.delete' | 'secret.rollback' | 'key.rotate';
  names: string[];
  env?: string;
  version?: number;
}

export interface OpenOptions {
  paths: BlindfoldPaths;
  env?: NodeJS.ProcessEnv;
  /** Human-facing notices (first-run key creation and the like) — stderr in the CLI. */
  notice?: (message: string) => void;
  /** Only `rotate-key` may open a vault whose rotation was interrupted. */
  allowRotationInProgress?: boolean;
}

export interface RotationProgress {
  done: number;
  total: number;
}

const REWRAP_BATCH = 200;
/** Not a valid secret name, so it can never collide with one. */
const INTERNAL_AUDIT_NAME = '__audit__';
const IMPORT_BATCH = 250;

export class Vault {
  readonly paths: BlindfoldPaths;
  readonly store: VaultStore;
  #data: VaultFile;
  #listing: readonly SecretInfo[] | undefined;
  #kek: Kek;
  #masterKey: Uint8Array;
  #fingerprint: StoreFingerprint | null = null;
  #listeners: Array<(e: VaultEvent) => void> = [];
  readonly #env: NodeJS.ProcessEnv;

  private constructor(paths: BlindfoldPaths, store: VaultStore, data: VaultFile, masterKey: Uint8Array, env: NodeJS.ProcessEnv) {
    this.paths = paths;
    this.store = store;
    this.#data = data;
    this.#masterKey = masterKey;
    this.#kek = new Kek(masterKey, data.keyCheck.kid);
    this.#env = env;
  }

  static async open(options: OpenOptions): Promise<Vault> {
    await sodium();
    const env = options.env ?? process.env;
    const notice = options.notice ?? (() => {});
    const { paths } = options;
    const store = new VaultStore(paths.vault);
    let data = await store.read();
    let material = await findConfiguredKey({ env, keyFile: paths.keyFile });

    if (!data) {
      if (!material) {
        material = await createKeyFile(paths.keyFile).catch(async (err) => {
          // Another process created it between our look and our create: use theirs.
          const existing = await readOptionalKeyFile(paths.keyFile);
          if (existing) return existing;
          throw err;
        });
        if (material.source === 'home-file') {
          notice(`created a new master key at ${paths.keyFile} (0600); back it up: without it the vault cannot be opened`);
        }
      }
      const created = await createVaultFile(store, material);
      if (created.createdHere) notice(`created an empty vault at ${paths.vault}`);
      data = created.data;
    }

    if (!material) {
      throw new BlindfoldError(
        'VAULT_SEALED',
        `the vault ${paths.vault} is sealed: no master key found (set BLINDFOLD_MASTER_KEY or BLINDFOLD_MASTER_KEY_FILE, or restore ${paths.keyFile})`,
      );
    }
    if (material.source !== 'env' && !(await keyFileIsPrivate(material.origin))) {
      notice(`warning: the key file ${material.origin} is readable by other users; run chmod 600 on it`);
    }

    let masterKey = masterKeyFor(material, data.kdf);
    if (!new Kek(masterKey, data.keyCheck.kid).verifyKeyCheck(data.vaultId, data.keyCheck)) {
      const finished = await finishInterruptedRotation(paths, data, material, notice);
      if (!finished) {
        throw new BlindfoldError(
          'VAULT_SEALED',
          `the vault ${paths.vault} is sealed: the master key from ${material.origin} is not the key this vault was made with (nothing was changed)`,
        );
      }
      masterKey = finished;
    }
    if (data.rotation && !options.allowRotationInProgress) {
      throw new BlindfoldError(
        'KEY_ROTATION_IN_PROGRESS',
        'a key rotation was interrupted; run `blindfold rotate-key` again to finish it before using the vault',
      );
    }
    const vault = new Vault(paths, store, data, masterKey, env);
    vault.#fingerprint = await store.fingerprint();
    return vault;
  }

  get vaultId(): string {
    return this.#data.vaultId;
  }

  get keyId(): number {
    return this.#kek.kid;
  }

  get rotationPending(): boolean {
    return this.#data.rotation !== null;
  }

  /** A 32-byte sub-key for other subsystems (the audit chain), bound to the current master key. */
  deriveSubkey(purposeId: number): Uint8Array {
    return Kek.deriveAux(this.#masterKey, purposeId);
  }

  /**
   * The audit chain's MAC key: random, stored wrapped by the KEK (so `rotate-key` re-wraps it and
   * the chain verifies across rotations). Created on first use.
   */
  async auditKey(): Promise<Uint8Array> {
    const binding = { vaultId: this.#data.vaultId, name: INTERNAL_AUDIT_NAME, env: 'internal' };
    if (!this.#data.internal?.audit) {
      await this.#write((file) => {
        if (file.internal?.audit) return;
        const key = Buffer.from(randomKey()).toString('base64');
        file.internal = { ...file.internal, audit: this.#kek.encrypt({ ...binding, version: 1 }, key) };
      });
    }
    const stored = this.#data.internal?.audit;
    if (!stored) throw new BlindfoldError('INTERNAL', 'the audit key could not be created');
    return new Uint8Array(Buffer.from(this.#kek.decrypt(binding, stored), 'base64'));
  }

  onEvent(listener: (e: VaultEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** Picks up writes made by other processes; cheap when nothing changed (one stat). */
  async refresh(): Promise<void> {
    const fp = await this.store.fingerprint();
    const old = this.#fingerprint;
    if (fp && old && fp.mtimeMs === old.mtimeMs && fp.size === old.size && fp.ino === old.ino) return;
    const data = await this.store.read();
    if (!data) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.paths.vault} disappeared`);
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
    const record = this.#record(name);
    return [
      { version: record.version, updatedAt: record.updatedAt, environments: Object.keys(record.values).sort(), current: true },
      ...[...record.history]
        .reverse()
        .map((h) => ({ version: h.version, updatedAt: h.updatedAt, environments: Object.keys(h.values).sort(), current: false })),
    ];
  }

  /** Decrypts the value for an environment, falling back to `default`. The caller must not keep it. */
  resolve(name: string, env: string): string {
    const record = this.#record(name);
    const value = record.values[env] ?? record.values[DEFAULT_ENVIRONMENT];
    if (!value) {
      throw new BlindfoldError(
        'NO_VALUE_FOR_ENVIRONMENT',
        `${name} has no value for environment "${env}" and no default value; an admin can add one with \`blindfold set ${name} --env ${env}\``,
        { name, env },
      );
    }
    const usedEnv = record.values[env] ? env : DEFAULT_ENVIRONMENT;
    return this.#kek.decrypt({ vaultId: this.#data.vaultId, name, env: usedEnv }, value);
  }

  async set(input: SetSecretInput): Promise<{ info: SecretInfo; created: boolean }> {
    const change = prepareSet(input);
    const outcome = await this.#write((file) => this.#applySet(file, change));
    this.#emit({ action: outcome.created ? 'secret.create' : 'secret.update', names: [change.name], env: change.env, version: outcome.info.version });
    return outcome;
  }

  /**
   * Stores many values (import). All are validated before the first write; they land in locked
   * batches so a progress bar can move and one huge write does not hold the lock for long.
   */
  async setMany(inputs: SetSecretInput[], onProgress?: (p: RotationProgress) => void): Promise<{ created: string[]; updated: string[] }> {
    const changes = inputs.map(prepareSet);
    const created: string[] = [];
    const updated: string[] = [];
    for (let i = 0; i < changes.length; i += IMPORT_BATCH) {
      const batch = changes.slice(i, i + IMPORT_BATCH);
      const outcomes = await this.#write((file) => batch.map((c) => this.#applySet(file, c)));
      for (const o of outcomes) {
        (o.created ? created : updated).push(o.info.name);
        this.#emit({ action: o.created ? 'secret.create' : 'secret.update', names: [o.info.name], version: o.info.version });
      }
      onProgress?.({ done: Math.min(i + IMPORT_BATCH, changes.length), total: changes.length });
    }
    return { created, updated };
  }

  /** Decrypts every stored value (current and history) to prove the file is intact; returns the count. */
  verifyAll(): number {
    let checked = 0;
    for (const record of Object.values(this.#data.secrets)) {
      const check = (env: string, value: StoredEncryptedValue) => {
        const plain = this.#kek.decrypt({ vaultId: this.#data.vaultId, name: record.name, env }, value);
        checked += plain.length >= 0 ? 1 : 0;
      };
      for (const [env, value] of Object.entries(record.values)) check(env, value);
      for (const h of record.history) for (const [env, value] of Object.entries(h.values)) check(env, value);
    }
    return checked;
  }

  #applySet(file: VaultFile, change: PreparedSet): { info: SecretInfo; created: boolean } {
    const { name, env, input } = change;
    const existing = Object.hasOwn(file.secrets, name) ? file.secrets[name] : undefined;
    const currentVersion = existing?.version ?? 0;
    if (input.expectedVersion !== undefined && input.expectedVersion !== currentVersion) {
      throw new BlindfoldError(
        'VERSION_CONFLICT',
        `${name} is at version ${currentVersion}, not ${input.expectedVersion}: someone else changed it; re-read and retry`,
      );
    }
    if (!existing && input.value === undefined) {
      throw new BlindfoldError('SECRET_NOT_FOUND', `${name} does not exist yet; give it a value to create it`);
    }
    const now = new Date().toISOString();
    const record: SecretRecord = existing ?? {
      name,
      description: '',
      metadata: {},
      createdAt: now,
      updatedAt: now,
      version: 0,
      values: {},
      policy: { hosts: [], placements: [...DEFAULT_PLACEMENTS], inject: DEFAULT_INJECT },
      history: [],
    };
    if (input.value !== undefined) {
      if (existing && existing.version > 0) {
        record.history.push({ version: existing.version, updatedAt: existing.updatedAt, values: { ...existing.values } });
        record.history = record.history.slice(-HISTORY_LIMIT);
      }
      record.version = currentVersion + 1;
      record.values = {
        ...record.values,
        [env]: this.#kek.encrypt({ vaultId: file.vaultId, name, env, version: record.version }, input.value),
      };
    }
    if (input.description !== undefined) record.description = input.description;
    if (input.metadata !== undefined) record.metadata = { ...record.metadata, ...input.metadata };
    if (change.hosts) record.policy.hosts = change.hosts;
    if (change.placements) record.policy.placements = change.placements;
    if (change.inject) record.policy.inject = change.inject;
    record.updatedAt = now;
    file.secrets[name] = record;
    return { info: toInfo(record), created: !existing };
  }

  async remove(name: string): Promise<void> {
    assertSecretName(name);
    await this.#write((file) => {
      if (!Object.hasOwn(file.secrets, name)) throw notFound(name, Object.keys(file.secrets));
      delete file.secrets[name];
    });
    this.#emit({ action: 'secret.delete', names: [name] });
  }

  async rollback(name: string, toVersion: number): Promise<SecretInfo> {
    assertSecretName(name);
    const info = await this.#write((file) => {
      const record = file.secrets[name];
      if (!record) throw notFound(name, Object.keys(file.secrets));
      const target = record.history.find((h) => h.version === toVersion);
      if (!target) {
        const kept = record.history.map((h) => h.version).join(', ') || 'none';
        throw new BlindfoldError(
          'VERSION_NOT_FOUND',
          `${name} has no stored version ${toVersion} (current ${record.version}; earlier versions kept: ${kept})`,
        );
      }
      const now = new Date().toISOString();
      record.history.push({ version: record.version, updatedAt: record.updatedAt, values: record.values });
      record.history = record.history.slice(-HISTORY_LIMIT);
      // Ciphertexts carry the version they were written at in their own binding, so they move as-is.
      record.values = structuredClone(target.values);
      record.version += 1;
      record.updatedAt = now;
      return toInfo(record);
    });
    this.#emit({ action: 'secret.rollback', names: [name], version: info.version });
    return info;
  }

  /**
   * Replaces the master key. Resumable: the new key is written to `newKey` storage by the caller
   * first, the vault records the rotation, data keys are re-wrapped in batches (each a committed
   * write), and the final write switches the key check. A kill at any point leaves a vault that
   * `rotate-key` run again completes.
   */
  async rotateKey(newMaterial: KeyMaterial, onProgress?: (p: RotationProgress) => void): Promise<{ rewrapped: number; keyId: number }> {
    const pending = this.#data.rotation;
    const newKid = pending ? pending.keyCheck.kid : this.#kek.kid + 1;
    const newKdf: KdfParams = pending ? pending.kdf : newMaterial.raw ? { type: 'raw' } : newArgon2Params();
    const newKek = new Kek(masterKeyFor(newMaterial, newKdf), newKid);

    if (pending) {
      if (!newKek.verifyKeyCheck(this.#data.vaultId, pending.keyCheck)) {
        throw new BlindfoldError(
          'VAULT_SEALED',
          `an interrupted rotation is waiting for a different new key than the one from ${newMaterial.origin}; supply the same new key to finish it`,
        );
      }
    } else {
      await this.#write((file) => {
        file.rotation = { keyCheck: newKek.createKeyCheck(file.vaultId), kdf: newKdf, startedAt: new Date().toISOString() };
      });
    }

    const total = this.#countValues();
    let rewrapped = 0;
    for (;;) {
      const batch = await this.#write((file) => {
        let changed = 0;
        for (const [key, value] of Object.entries(file.internal ?? {})) {
          if (value.kid !== newKid && file.internal) {
            file.internal[key] = newKek.rewrap({ vaultId: file.vaultId, name: `__${key}__`, env: 'internal' }, value, this.#kek);
            changed++;
          }
        }
        for (const record of Object.values(file.secrets)) {
          if (changed >= REWRAP_BATCH) break;
          const bind = (env: string) => ({ vaultId: file.vaultId, name: record.name, env });
          for (const [env, value] of Object.entries(record.values)) {
            if (value.kid !== newKid) {
              record.values[env] = newKek.rewrap(bind(env), value, this.#kek);
              changed++;
            }
          }
          for (const h of record.history) {
            for (const [env, value] of Object.entries(h.values)) {
              if (value.kid !== newKid) {
                h.values[env] = newKek.rewrap(bind(env), value, this.#kek);
                changed++;
              }
            }
          }
        }
        return changed;
      });
      if (batch === 0) break;
      rewrapped += batch;
      onProgress?.({ done: Math.min(rewrapped, total), total });
    }

    await this.#write((file) => {
      if (!file.rotation) return;
      file.keyCheck = file.rotation.keyCheck;
      file.kdf = file.rotation.kdf;
      file.rotation = null;
    }, { skipKeyCheck: true });
    this.#kek = newKek;
    this.#masterKey = masterKeyFor(newMaterial, newKdf);
    onProgress?.({ done: total, total });
    this.#emit({ action: 'key.rotate', names: [] });
    return { rewrapped, keyId: newKid };
  }

  #countValues(): number {
    let n = 0;
    for (const r of Object.values(this.#data.secrets)) {
      n += Object.keys(r.values).length;
      for (const h of r.history) n += Object.keys(h.values).length;
    }
    return n;
  }

  #record(name: string): SecretRecord {
    const record = Object.hasOwn(this.#data.secrets, name) ? this.#data.secrets[name] : undefined;
    if (!record) throw notFound(name, Object.keys(this.#data.secrets));
    return record;
  }

  /** Locked read→modify→write; refuses if the file on disk is not the vault our key opens. */
  async #write<R>(mutate: (file: VaultFile) => R, opts: { skipKeyCheck?: boolean } = {}): Promise<R> {
    let written: VaultFile | undefined;
    const result = await this.store.update((current) => {
      if (!current) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${this.paths.vault} disappeared; nothing was written`);
      if (current.vaultId !== this.#data.vaultId) {
        throw new BlindfoldError('VAULT_SEALED', `the vault file ${this.paths.vault} was replaced by another vault; nothing was written`);
      }
      if (!opts.skipKeyCheck && !this.#kek.verifyKeyCheck(current.vaultId, current.keyCheck)) {
        throw new BlindfoldError('VAULT_SEALED', 'the vault was re-keyed by another process; reopen it with the new key (nothing was written)');
      }
      // `current` was parsed from disk inside this lock and is shared with nobody: change it in place.
      const result = mutate(current);
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
  }

  #emit(event: VaultEvent): void {
    for (const l of this.#listeners) l(event);
  }
}

interface PreparedSet {
  name: string;
  env: string;
  input: SetSecretInput;
  hosts?: string[];
  placements?: Placement[];
  inject?: string;
}

/** Validates and normalises a change before the lock is taken, so bad input never blocks writers. */
function prepareSet(input: SetSecretInput): PreparedSet {
  const name = assertSecretName(input.name);
  const env = assertEnvironment(input.env ?? DEFAULT_ENVIRONMENT);
  if (input.value !== undefined) assertValueAcceptable(name, input.value, input.allowShort ?? false);
  const change: PreparedSet = { name, env, input };
  if (input.hosts) change.hosts = [...new Set(input.hosts.map((h) => parseHostPattern(h).canonical))];
  if (input.placements) change.placements = parsePlacements(input.placements);
  if (input.inject !== undefined) change.inject = parseInject(input.inject).canonical;
  return change;
}

function toInfo(record: SecretRecord): SecretInfo {
  return {
    name: record.name,
    description: record.description,
    metadata: { ...record.metadata },
    environments: Object.keys(record.values).sort(),
    hosts: [...record.policy.hosts],
    placements: [...record.policy.placements] as Placement[],
    inject: record.policy.inject,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}

export function notFound(name: string, existing: string[]): BlindfoldError {
  return new BlindfoldError('SECRET_NOT_FOUND', `no secret named ${name}`, { name, existing: existing.length });
}

async function createVaultFile(store: VaultStore, material: KeyMaterial): Promise<{ data: VaultFile; createdHere: boolean }> {
  return store.update<{ data: VaultFile; createdHere: boolean }>((current) => {
    if (current) return { result: { data: current, createdHere: false } };
    const kdf: KdfParams = material.raw ? { type: 'raw' } : newArgon2Params();
    const vaultId = randomId();
    const kek = new Kek(masterKeyFor(material, kdf), 1);
    const data: VaultFile = {
      format: 1,
      vaultId,
      revision: 0,
      kdf,
      keyCheck: kek.createKeyCheck(vaultId),
      rotation: null,
      secrets: {},
    };
    return { next: data, result: { data, createdHere: true } };
  });
}

/**
 * A rotation whose final vault write landed but whose key-file swap did not: the vault now checks
 * against master.key.next. Finish the swap so the home key file is the one that opens the vault.
 */
async function finishInterruptedRotation(
  paths: BlindfoldPaths,
  data: VaultFile,
  material: KeyMaterial,
  notice: (m: string) => void,
): Promise<Uint8Array | undefined> {
  if (material.source !== 'home-file') return undefined;
  const next = await readOptionalKeyFile(paths.nextKeyFile);
  if (!next) return undefined;
  const key = masterKeyFor(next, data.kdf);
  if (!new Kek(key, data.keyCheck.kid).verifyKeyCheck(data.vaultId, data.keyCheck)) return undefined;
  await rename(paths.nextKeyFile, paths.keyFile);
  notice(`finished an interrupted key rotation: ${paths.keyFile} now holds the new key`);
  return key;
}
