/**
 * Secret records as data: validating a change, applying it to a vault file, and the value-free
 * view (info) the rest of the program sees. No I/O here; encryption is passed in. Earlier versions
 * (history, rollback) are versions.ts.
 */
import { BlindfoldError } from '../errors.js';
import type { VaultEvent } from './changes.js';
import { DEFAULT_INJECT, parseInject } from '../policy/inject.js';
import { parseHostBinding } from '../policy/registrable.js';
import { DEFAULT_PLACEMENTS, parsePlacements, type Placement } from '../policy/placements.js';
import { assertEnvironment, assertSecretName, assertValueAcceptable, DEFAULT_ENVIRONMENT } from './names.js';
import type { SecretRecord, StoredEncryptedValue, VaultFile } from './schema.js';
import { keepCurrentVersion, type Retire } from './versions.js';
import { looksLikeToken, repeatable } from '../echo.js';

/** Everything about a secret except its value. */
export interface SecretInfo {
  name: string;
  description: string;
  metadata: Record<string, string>;
  environments: string[];
  hosts: string[];
  placements: Placement[];
  inject: string;
  /** Public by design (a publishable key): host-bound and redacted like any value, but never a tripwire. */
  public: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
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
  /** Mark (true) or unmark (false) the secret as public by design; omit to leave it as it is. */
  public?: boolean;
  allowShort?: boolean;
  /** Accept a value of low estimated entropy (PIN, date, word…; see entropy.ts). */
  allowGuessable?: boolean;
  /** Check-and-set: refuse unless the secret is at this version (0 = must not exist yet). */
  expectedVersion?: number;
}

export interface SetOutcome {
  info: SecretInfo;
  created: boolean;
  /** False when the stored secret already had exactly this value and policy: nothing was written. */
  changed: boolean;
}

export interface PreparedSet {
  name: string;
  env: string;
  input: SetSecretInput;
  hosts?: string[];
  placements?: Placement[];
  inject?: string;
}

/** What applying a change needs of the keys: sealing a new value, comparing with a stored one. */
export interface ValueSealer {
  seal(file: VaultFile, name: string, env: string, version: number, value: string): StoredEncryptedValue;
  equals(file: VaultFile, name: string, env: string, stored: StoredEncryptedValue, value: string): boolean;
  /** Values rotated out of the kept history leave their fingerprints behind. */
  retire: Retire;
}

/**
 * Validates and normalises a change before anything is opened or locked, so bad input never
 * creates a vault or blocks writers.
 */
export function prepareSet(input: SetSecretInput): PreparedSet {
  const name = assertSecretName(input.name);
  const env = assertEnvironment(input.env ?? DEFAULT_ENVIRONMENT);
  if (input.value !== undefined) assertValueAcceptable(name, input.value, input.allowShort ?? false, input.allowGuessable ?? false);
  if (input.description !== undefined) refuseValueIn(input.description, 'the description');
  for (const [key, text] of Object.entries(input.metadata ?? {})) refuseValueIn(text, `metadata ${repeatable(key)}`);
  const change: PreparedSet = { name, env, input };
  if (input.hosts) change.hosts = [...new Set(input.hosts.map((h) => parseHostBinding(h).canonical))];
  if (input.placements) change.placements = parsePlacements(input.placements);
  if (input.inject !== undefined) change.inject = parseInject(input.inject).canonical;
  return change;
}

/**
 * A description and metadata are stored unencrypted and shown to agents (list_secrets), so a key
 * pasted there by mistake (`--description "$TOKEN"`) would reach them: refused, never repeated.
 */
function refuseValueIn(text: string, what: string): void {
  if (text.split(/\s+/).some((word) => word !== '' && looksLikeToken(word))) {
    throw new BlindfoldError('BAD_INPUT', `${what} looks like a value (a key or token; not repeated here): it is stored unencrypted and shown to agents, so say what the secret is for instead`);
  }
}

export function applySet(file: VaultFile, change: PreparedSet, sealer: ValueSealer, now: string): SetOutcome {
  const { name, env, input } = change;
  const existing = Object.hasOwn(file.secrets, name) ? file.secrets[name] : undefined;
  const currentVersion = existing?.version ?? 0;
  if (input.expectedVersion !== undefined && input.expectedVersion !== currentVersion) {
    throw new BlindfoldError(
      'VERSION_CONFLICT',
      `${repeatable(name)} is at version ${currentVersion}, not ${input.expectedVersion}: someone else changed it; re-read and retry`,
    );
  }
  if (!existing && input.value === undefined) {
    throw new BlindfoldError('SECRET_NOT_FOUND', `${repeatable(name)} does not exist yet; give it a value to create it`);
  }
  const before = existing ? JSON.stringify(existing) : '';
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
  const stored = record.values[env];
  // Re-importing the same file must not pile up versions: an identical value is no change.
  const sameValue = stored !== undefined && input.value !== undefined && sealer.equals(file, name, env, stored, input.value);
  if (input.value !== undefined && !sameValue) {
    if (existing && existing.version > 0) sealer.retire(file, record, keepCurrentVersion(record));
    record.version = currentVersion + 1;
    record.values = { ...record.values, [env]: sealer.seal(file, name, env, record.version, input.value) };
  }
  if (input.description !== undefined) record.description = input.description;
  if (input.metadata !== undefined) record.metadata = { ...record.metadata, ...input.metadata };
  if (change.hosts) record.policy.hosts = change.hosts;
  if (change.placements) record.policy.placements = change.placements;
  if (change.inject) record.policy.inject = change.inject;
  // Stored only when set, so records written before the flag existed stay byte-for-byte the same.
  if (input.public === true) record.policy.public = true;
  else if (input.public === false) delete record.policy.public;
  const changed = !existing || JSON.stringify(record) !== before;
  if (changed) record.updatedAt = now;
  file.secrets[name] = record;
  return { info: toInfo(record), created: !existing, changed };
}

/** What the audit trail records of a set that changed something. */
export function setEvent(outcome: SetOutcome, env: string): VaultEvent {
  return { action: outcome.created ? 'secret.create' : 'secret.update', names: [outcome.info.name], env, version: outcome.info.version };
}

export function toInfo(record: SecretRecord): SecretInfo {
  return {
    name: record.name,
    description: record.description,
    metadata: { ...record.metadata },
    environments: Object.keys(record.values).sort(),
    hosts: [...record.policy.hosts],
    placements: [...record.policy.placements] as Placement[],
    inject: record.policy.inject,
    public: record.policy.public === true,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}

const IMPORT_BATCH = 250;

export interface ImportOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Stores many validated values (import) in locked batches, so a progress bar can move and one huge
 * write does not hold the lock for long; each batch lands with its audit entries or not at all.
 */
export async function setInBatches(
  write: <R>(mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R) => Promise<R>,
  changes: PreparedSet[],
  sealer: () => ValueSealer,
  onProgress?: (p: { done: number; total: number }) => void,
): Promise<ImportOutcome> {
  const out: ImportOutcome = { created: [], updated: [], unchanged: [] };
  for (let i = 0; i < changes.length; i += IMPORT_BATCH) {
    const batch = changes.slice(i, i + IMPORT_BATCH);
    const now = new Date().toISOString();
    const outcomes = await write((file, record) =>
      batch.map((c) => {
        const o = applySet(file, c, sealer(), now);
        if (o.changed) record(setEvent(o, c.env));
        return o;
      }),
    );
    for (const o of outcomes) (o.created ? out.created : o.changed ? out.updated : out.unchanged).push(o.info.name);
    onProgress?.({ done: Math.min(i + IMPORT_BATCH, changes.length), total: changes.length });
  }
  return out;
}
