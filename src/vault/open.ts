/**
 * Opening a vault: find the key, create the vault where that is allowed, check the key before
 * anything is touched, and finish a key rotation whose last step (the key file swap) was cut off.
 */
import type { BlindfoldPaths } from '../config.js';
import { BlindfoldError } from '../errors.js';
import { Kek, newArgon2Params, randomId, sodium } from './crypto.js';
import { sealNewInternalKeys } from './internal-keys.js';
import { finishInterruptedKeyFileSwap } from './key-file-rotation.js';
import {
  createKeyFile,
  findConfiguredKey,
  interpretKeyText,
  keyFileIsPrivate,
  masterKeyFor,
  readOptionalKeyFile,
  type KeyMaterial,
} from './keyring.js';
import { VaultKeys } from './keys.js';
import type { KdfParams, VaultFile } from './schema.js';
import { storeHomeState, type HomeState } from '../store/home-state.js';
import { vaultFileStore, vaultPostgresStore, type RecordCheck, type VaultStore } from './store.js';
import { chooseStoreUrl } from '../store/choice.js';
import { loadSettings } from '../settings.js';
import { postgresHomeState } from '../store/postgres/home.js';
import { repeatablePath } from '../echo.js';

export interface OpenOptions {
  paths: BlindfoldPaths;
  env?: NodeJS.ProcessEnv;
  /** Human-facing notices (first-run key creation and the like) — stderr in the CLI. */
  notice?: (message: string) => void;
  /** Only `rotate-key` may open a vault whose rotation was interrupted. */
  allowRotationInProgress?: boolean;
  /**
   * Whether a missing vault (and key) may be created. Only `init` does: anything else on a typo'd
   * home (`set`, `import`, `serve` included) must say so, not invent an empty vault and report "no secrets".
   */
  create?: boolean;
  /** Asks for a passphrase (hidden) when the vault is passphrase-based and no key is configured. */
  askPassphrase?: () => Promise<string>;
  /** Where the vault's document lives; the file at `paths.vault` unless given (tests use a MemoryStore). */
  store?: VaultStore;
  /** A PostgreSQL URL (`--store`) to use instead of the file; BLINDFOLD_STORE(_FILE) when absent (src/store/choice.ts). */
  storeUrl?: string;
  /** For the file at `paths.vault`: when its secret records are checked (store.ts); at open unless given. */
  recordCheck?: RecordCheck;
  /** Where the home's small shared state lives (suspensions, allowance, quarantine); its files unless given. */
  state?: HomeState;
}

export interface OpenedVault {
  store: VaultStore;
  state: HomeState;
  data: VaultFile;
  /** The store's stamp for `data` (see SecretStore.changedSince); null when unknown. */
  stamp: string | null;
  keys: VaultKeys;
}

export async function openVaultFile(options: OpenOptions): Promise<OpenedVault> {
  await sodium();
  const env = options.env ?? process.env;
  const notice = options.notice ?? (() => {});
  const { paths } = options;
  const migrated = (backup: string) =>
    notice(`migrated the vault ${paths.vault} to this release's format (a snapshot and a journal); the previous file is kept at ${backup}`);
  const url = options.store ? undefined : (options.storeUrl ?? chooseStoreUrl(undefined, env));
  const poolSize = url ? loadSettings({}, env).limits.storePoolSize : 0;
  const store = options.store ?? (url ? vaultPostgresStore(url, { poolSize }) : vaultFileStore(paths.vault, options.recordCheck, migrated));
  // The audit trail's connections are few: one append at a time holds the chain's lock anyway.
  const state = options.state ?? (url ? postgresHomeState(url, store, { poolSize: 2 }) : storeHomeState(store, paths));
  const snapshot = await store.read();
  let data = snapshot.document;
  // A vault created here is re-read on the first refresh: another process may have written since.
  let stamp: string | null = snapshot.stamp;
  let material = await findConfiguredKey({ env, keyFile: paths.keyFile });

  if (!data) {
    if (!options.create) throw vaultNotFound(store.location);
    if (!material) {
      material = await createKeyFile(paths.keyFile).catch(async (err) => {
        // Another process created it between our look and our create: use theirs.
        const existing = await readOptionalKeyFile(paths.keyFile);
        if (existing) return existing;
        throw err;
      });
      if (material.source === 'home-file') {
        notice(`created a new master key at ${repeatablePath(paths.keyFile)} (0600); back it up: without it the vault cannot be opened`);
      }
    }
    const created = await createVaultFile(store, material);
    if (created.createdHere) notice(`created an empty vault at ${repeatablePath(store.location)}`);
    data = created.data;
    stamp = null;
  }

  if (!material && data.kdf.type !== 'raw' && options.askPassphrase) {
    material = interpretKeyText(await options.askPassphrase(), 'prompt', 'the passphrase typed at the prompt');
  }
  if (!material) throw sealedWithoutKey(store.location, paths.keyFile, data);
  if ((material.source === 'home-file' || material.source === 'env-file') && !(await keyFileIsPrivate(material.origin))) {
    notice(`warning: the key file ${material.origin} is readable by other users; run chmod 600 on it`);
  }

  let kek = new Kek(masterKeyFor(material, data.kdf), data.keyCheck.kid);
  if (!kek.verifyKeyCheck(data.vaultId, data.keyCheck)) {
    const finished = await finishInterruptedKeyFileSwap(paths, data, material, notice);
    if (!finished) {
      throw new BlindfoldError(
        'VAULT_SEALED',
        `the vault ${store.location} is sealed: the master key from ${material.origin} is not the key this vault was made with (nothing was changed)`,
      );
    }
    ({ kek, material } = finished);
  }
  if (data.rotation && !options.allowRotationInProgress) {
    throw new BlindfoldError(
      'KEY_ROTATION_IN_PROGRESS',
      'a key rotation was interrupted; run `blindfold rotate-key` again to finish it before using the vault',
    );
  }
  const keys = new VaultKeys(material, kek, paths);
  await keys.follow(data);
  return { store, state, data, stamp, keys };
}

/** A missing vault is named, never silently created (a typo in BLINDFOLD_HOME would look empty). */
export function vaultNotFound(path: string): BlindfoldError {
  return new BlindfoldError(
    'VAULT_NOT_FOUND',
    `no vault at ${repeatablePath(path)}; create one with \`blindfold init\`, or point BLINDFOLD_HOME, --home or --vault at the vault you meant (nothing was created)`,
    { path: repeatablePath(path) },
  );
}

function sealedWithoutKey(location: string, keyFile: string, data: VaultFile): BlindfoldError {
  if (data.kdf.type !== 'raw') {
    return new BlindfoldError(
      'VAULT_SEALED',
      `the vault ${repeatablePath(location)} is sealed: it is protected by a passphrase and none was given ` +
        '(set BLINDFOLD_MASTER_KEY or BLINDFOLD_MASTER_KEY_FILE, or run the command in a terminal to be asked for it)',
    );
  }
  return new BlindfoldError(
    'VAULT_SEALED',
    `the vault ${repeatablePath(location)} is sealed: no master key found (set BLINDFOLD_MASTER_KEY or BLINDFOLD_MASTER_KEY_FILE, or restore ${repeatablePath(keyFile)})`,
  );
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
      internal: sealNewInternalKeys(kek, vaultId),
    };
    return { next: data, result: { data, createdHere: true } };
  });
}
