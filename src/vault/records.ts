/**
 * Secret records as data: validating a change, applying it to a vault file, and the value-free
 * views (info, history) the rest of the program sees. No I/O here; encryption is passed in.
 */
import { BlindfoldError } from '../errors.js';
import { DEFAULT_INJECT, parseInject } from '../policy/inject.js';
import { parseHostPattern } from '../policy/hosts.js';
import { DEFAULT_PLACEMENTS, parsePlacements, type Placement } from '../policy/placements.js';
import { assertEnvironment, assertSecretName, assertValueAcceptable, DEFAULT_ENVIRONMENT, SECRET_NAME_RULE } from './names.js';
import { HISTORY_LIMIT, type SecretRecord, type StoredEncryptedValue, type VaultFile } from './schema.js';

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
}

/**
 * Validates and normalises a change before anything is opened or locked, so bad input never
 * creates a vault or blocks writers.
 */
export function prepareSet(input: SetSecretInput): PreparedSet {
  const name = assertSecretName(input.name);
  const env = assertEnvironment(input.env ?? DEFAULT_ENVIRONMENT);
  if (input.value !== undefined) assertValueAcceptable(name, input.value, input.allowShort ?? false, input.allowGuessable ?? false);
  const change: PreparedSet = { name, env, input };
  if (input.hosts) change.hosts = [...new Set(input.hosts.map((h) => parseHostPattern(h).canonical))];
  if (input.placements) change.placements = parsePlacements(input.placements);
  if (input.inject !== undefined) change.inject = parseInject(input.inject).canonical;
  return change;
}

export function applySet(file: VaultFile, change: PreparedSet, sealer: ValueSealer, now: string): SetOutcome {
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
    if (existing && existing.version > 0) {
      record.history.push({ version: existing.version, updatedAt: existing.updatedAt, values: { ...existing.values } });
      record.history = record.history.slice(-HISTORY_LIMIT);
    }
    record.version = currentVersion + 1;
    record.values = { ...record.values, [env]: sealer.seal(file, name, env, record.version, input.value) };
  }
  if (input.description !== undefined) record.description = input.description;
  if (input.metadata !== undefined) record.metadata = { ...record.metadata, ...input.metadata };
  if (change.hosts) record.policy.hosts = change.hosts;
  if (change.placements) record.policy.placements = change.placements;
  if (change.inject) record.policy.inject = change.inject;
  const changed = !existing || JSON.stringify(record) !== before;
  if (changed) record.updatedAt = now;
  file.secrets[name] = record;
  return { info: toInfo(record), created: !existing, changed };
}

export function applyRollback(file: VaultFile, name: string, toVersion: number, now: string): SecretInfo {
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
  record.history.push({ version: record.version, updatedAt: record.updatedAt, values: record.values });
  record.history = record.history.slice(-HISTORY_LIMIT);
  // Ciphertexts carry the version they were written at in their own binding, so they move as-is.
  record.values = structuredClone(target.values);
  record.version += 1;
  record.updatedAt = now;
  return toInfo(record);
}

export function historyOf(record: SecretRecord): HistoryInfo[] {
  return [
    { version: record.version, updatedAt: record.updatedAt, environments: Object.keys(record.values).sort(), current: true },
    ...[...record.history]
      .reverse()
      .map((h) => ({ version: h.version, updatedAt: h.updatedAt, environments: Object.keys(h.values).sort(), current: false })),
  ];
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
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}

/**
 * Names the secret only when the name could be one: anything else may be a value pasted in the
 * wrong place (`API_KEY=sk-...`), which an error must not repeat. Close names are the caller's to
 * suggest: only it knows which names its principal may see.
 */
export function notFound(name: string, existing: string[]): BlindfoldError {
  const shown = SECRET_NAME_RULE.test(name) ? `named ${name}` : 'with that name (it is not a valid secret name)';
  return new BlindfoldError('SECRET_NOT_FOUND', `no secret ${shown}`, { existing: existing.length });
}
