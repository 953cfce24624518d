import { z } from 'zod';
import { PLACEMENTS } from '../policy/placements.js';
import { SECRET_NAME_RULE, STATE_NAME_RULE, TOKEN_NAME_RULE } from './names.js';

/** The on-disk shape of vault.json. zod is the single source of truth: a file that fails it is refused. */
const encryptedValue = z.object({
  v: z.number().int().positive(),
  kid: z.number().int().positive(),
  wk: z.string().min(1),
  ct: z.string().min(1),
  /** The value's secret-window fingerprints for the redaction index, bound to it by a MAC (fingerprints.ts). */
  fp: z.object({ sealed: z.string().min(1) }).optional(),
});

const policy = z.object({
  hosts: z.array(z.string()),
  placements: z.array(z.enum(PLACEMENTS)),
  inject: z.string(),
  /** Public by design (a publishable key, a DSN's public key): still host-bound and redacted, never a tripwire. */
  public: z.boolean().optional(),
});

/**
 * A retired value's redaction fingerprints (issue 18 item 9): what is left of a value removed (`rm`)
 * or rotated out of the kept history, so that it stays redacted and keeps tripping the wire — the
 * credential may still work, and upstreams still hold it. Sealed like a live value's fingerprints
 * (fingerprints.ts) under the index key, bound to the vault, name, environment, version, retirement
 * time and fingerprint scheme; never the ciphertext. Only `rm --forget-fingerprints` drops them.
 */
const tombstone = z.object({
  env: z.string(),
  v: z.number().int().positive(),
  retiredAt: z.string(),
  scheme: z.string().min(1),
  /** The secret was marked public when this value left: it stays redacted, and never trips the wire. */
  public: z.boolean().optional(),
  sealed: z.string().min(1),
});

/** An agent token (the team server's principals): only its keyed hash is kept, never the token. */
const tokenRecord = z.object({
  name: z.string(),
  hash: z.string().min(1),
  secrets: z.array(z.string()),
  tasks: z.array(z.string()),
  env: z.string().optional(),
  admin: z.boolean(),
  /** Calls per minute (the team server's rate limit); none: the default. */
  ratePerMinute: z.number().int().positive().optional(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
});

const historyEntry = z.object({
  version: z.number().int().positive(),
  updatedAt: z.string(),
  /**
   * The secret was marked public while this version was current (stored only when true): a kept
   * version is public only if it was, whatever the secret is marked now (red team 12c).
   */
  public: z.boolean().optional(),
  values: z.record(z.string(), encryptedValue),
});

/**
 * An object whose keys are all secret names, checked in place: copying 10,000 entries cost 15 ms of
 * a cold start, and JSON.parse keeps a "__proto__" key as a key, which a copy (z.record's too) turns
 * into the map's prototype instead of refusing it.
 */
const keyedBy = (rule: RegExp) =>
  z.custom<Record<string, unknown>>(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((name) => rule.test(name)),
    'a map of names to records',
  );
const secretsMap = keyedBy(SECRET_NAME_RULE);

export const secretRecordSchema = z.object({
  name: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().nonnegative(),
  values: z.record(z.string(), encryptedValue),
  policy,
  history: z.array(historyEntry),
});

const keyCheck = z.object({ kid: z.number().int().positive(), box: z.string() });
const kdf = z.union([
  z.object({ type: z.literal('raw') }),
  z.object({ type: z.literal('argon2id'), salt: z.string(), opslimit: z.number().int(), memlimit: z.number().int() }),
]);

export const vaultFileSchema = z.object({
  format: z.literal(1),
  vaultId: z.string().min(8),
  revision: z.number().int().nonnegative(),
  kdf,
  keyCheck,
  /** Present only while `rotate-key` is under way; lets a killed rotation resume. */
  rotation: z
    .object({ keyCheck, kdf, startedAt: z.string() })
    .nullable(),
  secrets: secretsMap.pipe(z.record(z.string(), secretRecordSchema)),
  /** Tombstones by secret name; a name keeps its own after it is removed and when it is created again. */
  retired: secretsMap.pipe(z.record(z.string(), z.array(tombstone))).optional(),
  /** Agent tokens by name (tokens.ts): a keyed hash and a scope each, never the token itself. */
  tokens: keyedBy(TOKEN_NAME_RULE).pipe(z.record(z.string(), tokenRecord)).optional(),
  /** The home's small state (suspensions, allowance, quarantine), each checked by the cell that reads it (store-cell.ts). */
  state: keyedBy(STATE_NAME_RULE).optional(),
  /** Keys for Blindfold's own use (internal-keys.ts), wrapped like values so rotation re-wraps them. */
  internal: z.record(z.string(), encryptedValue).optional(),
});

/**
 * The file checked at open: everything but the secret records, which are each checked on first
 * read (lazy-records.ts). `vaultFileSchema` stays the whole format, record checks included.
 */
export const vaultFileShellSchema = vaultFileSchema.extend({ secrets: secretsMap });

export type VaultFile = z.infer<typeof vaultFileSchema>;
export type SecretRecord = z.infer<typeof secretRecordSchema>;
export type StoredEncryptedValue = z.infer<typeof encryptedValue>;
export type Tombstone = z.infer<typeof tombstone>;
export type TokenRecord = z.infer<typeof tokenRecord>;
export { tokenRecord as tokenRecordSchema };
/** One name's tombstones, as the store keeps them (a record of the `retired` collection). */
export const tombstoneListSchema = z.array(tombstone);
export type KdfParams = z.infer<typeof kdf>;

/** How many earlier versions of a secret are kept for `rollback`. */
export const HISTORY_LIMIT = 10;
