/**
 * Agent tokens — the team server's principals (SPEC §8; the seam of issue 19 item 2, the commands
 * of issue 21). A token is `bf_agt_` + 256 random bits in base64url, shown once at creation; the
 * vault keeps only its keyed hash (HMAC-SHA256 under a key derived from the audit key, so it is
 * stable across rotations and useless without the master key) and its scope. Tokens are a
 * collection of the vault's store like secrets, so creating or revoking one lands with its audit
 * entry in one change, reaches every process through the change feed, and is kept by whichever
 * backend keeps the vault (file, memory, later PostgreSQL).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { looksLikeToken, repeatable } from '../echo.js';
import { BlindfoldError } from '../errors.js';
import { checkGlobs } from '../policy/scope.js';
import type { VaultWrite } from './changes.js';
import { assertEnvironment, TOKEN_NAME_RULE } from './names.js';
import type { TokenRecord, VaultFile } from './schema.js';

export const TOKEN_PREFIX = 'bf_agt_';

/** The audit principal of a token's calls (and of its suspensions and limits). */
export function tokenPrincipal(name: string): string {
  return `token:${name}`;
}
const TOKEN_SHAPE = /^bf_agt_[A-Za-z0-9_-]{43}$/;

export interface TokenSpec {
  name: string;
  /** Secret-name globs (`*`, `?`) the token may use; none: none (SPEC §8). */
  secrets?: string[];
  tasks?: string[];
  env?: string;
  admin?: boolean;
  ratePerMinute?: number;
  /** When it stops working (checked on every lookup). */
  expiresAt?: Date;
}

/** What anyone may see of a token: its name and scope, never the token or its hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

export interface TokenSource {
  /** The vault document as this process holds it (read-only). */
  file(): VaultFile;
  /** A locked, audited change of the vault's document. */
  write: VaultWrite;
  /** The key tokens are hashed with. */
  key(): Promise<Uint8Array>;
}

export class TokenRegistry {
  readonly #source: TokenSource;
  /**
   * The hash key and the sealed key it was opened from: a lookup runs on every request of the team
   * server, and must not decrypt each time. A new sealed key (a rotation re-wraps it) opens again.
   */
  #hashKey: { sealed: unknown; key: Uint8Array } | undefined;
  /**
   * Per stored record, its hash as bytes and its frozen info, made once instead of on every
   * request's lookup. Keyed by the record object: a record is never edited in place (create adds
   * a new one, revoke deletes it, and a change read from the store brings new objects), and the
   * stored hash is checked too.
   */
  readonly #derived = new WeakMap<TokenRecord, { hash: string; bytes: Buffer; info: TokenInfo }>();

  constructor(source: TokenSource) {
    this.#source = source;
  }

  async #key(): Promise<Uint8Array> {
    const sealed = this.#source.file().internal?.audit;
    if (sealed !== undefined && this.#hashKey?.sealed === sealed) return this.#hashKey.key;
    const key = await this.#source.key();
    this.#hashKey = { sealed: this.#source.file().internal?.audit, key };
    return key;
  }

  /** Creates a token and returns it, the only time it is ever available. */
  async create(spec: TokenSpec, now = new Date()): Promise<{ token: string; info: TokenInfo }> {
    if (!TOKEN_NAME_RULE.test(spec.name)) {
      throw new BlindfoldError('BAD_INPUT', 'a token name is 1–64 letters, digits, _ - or ., starting with a letter or digit (any secret name is one) (what was given is not repeated)');
    }
    checkGlobs(spec.secrets, 'secrets');
    checkGlobs(spec.tasks, 'tasks');
    // Name, globs and environment are shown by every listing and audit entry: none may look like a key.
    if ([spec.name, ...(spec.secrets ?? []), ...(spec.tasks ?? []), spec.env ?? ''].some(looksLikeToken)) {
      throw new BlindfoldError('BAD_INPUT', "a token's name, globs and environment are shown by listings and the audit, and one of those given looks like a key or token (not repeated here)");
    }
    // A secret name has no `-` (names.ts), so such a glob would silently match nothing.
    if (spec.secrets?.some((g) => g.includes('-'))) throw new BlindfoldError('BAD_INPUT', 'secrets: a secret name has no "-", so a glob holding one matches nothing (not repeated here)');
    if (spec.env !== undefined) assertEnvironment(spec.env);
    if (spec.expiresAt && spec.expiresAt.getTime() <= now.getTime()) throw new BlindfoldError('BAD_INPUT', 'a token cannot expire in the past');
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      name: spec.name,
      hash: hashOf(await this.#key(), token),
      secrets: spec.secrets ?? [],
      tasks: spec.tasks ?? [],
      admin: spec.admin ?? false,
      createdAt: now.toISOString(),
      ...(spec.env ? { env: spec.env } : {}),
      ...(spec.ratePerMinute ? { ratePerMinute: spec.ratePerMinute } : {}),
      ...(spec.expiresAt ? { expiresAt: spec.expiresAt.toISOString() } : {}),
    };
    await this.#source.write((file, recordEvent) => {
      const tokens = (file.tokens ??= {});
      if (Object.hasOwn(tokens, spec.name)) throw new BlindfoldError('VERSION_CONFLICT', `a token named ${repeatable(spec.name)} exists; revoke it first (nothing was created)`);
      tokens[spec.name] = record;
      recordEvent({ action: 'token.create', names: [], reason: `token ${spec.name} created` });
    });
    return { token, info: infoOf(record) };
  }

  list(): TokenInfo[] {
    return Object.values(this.#source.file().tokens ?? {})
      .map(infoOf)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Revokes a token: from its next request on, on every process that reads this vault. */
  async revoke(name: string): Promise<void> {
    await this.#source.write((file, recordEvent) => {
      if (!file.tokens || !Object.hasOwn(file.tokens, name)) throw new BlindfoldError('TOKEN_NOT_FOUND', `no token named ${repeatable(name)}`);
      delete file.tokens[name];
      recordEvent({ action: 'token.revoke', names: [], reason: `token ${name} revoked` });
    });
  }

  /**
   * The token's scope, or undefined for a token that is unknown, revoked or expired — alike, so a
   * caller cannot tell which. Every stored hash is compared, in constant time, whatever matches.
   */
  async lookup(token: string, now = new Date()): Promise<TokenInfo | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const presented = Buffer.from(hashOf(await this.#key(), token));
    let found: { record: TokenRecord; info: TokenInfo } | undefined;
    for (const record of Object.values(this.#source.file().tokens ?? {})) {
      const { bytes, info } = this.#derivedOf(record);
      if (bytes.length === presented.length && timingSafeEqual(bytes, presented)) found = { record, info };
    }
    if (!found || (found.record.expiresAt && Date.parse(found.record.expiresAt) <= now.getTime())) return undefined;
    return found.info;
  }

  #derivedOf(record: TokenRecord): { bytes: Buffer; info: TokenInfo } {
    let derived = this.#derived.get(record);
    if (derived?.hash !== record.hash) {
      derived = { hash: record.hash, bytes: Buffer.from(record.hash), info: deepFreeze(infoOf(record)) };
      this.#derived.set(record, derived);
    }
    return derived;
  }
}

/** A token's info as lookups share it between requests: nobody holding it can change it for the next. */
function deepFreeze(info: TokenInfo): TokenInfo {
  Object.freeze(info.secrets);
  Object.freeze(info.tasks);
  return Object.freeze(info);
}

function hashOf(key: Uint8Array, token: string): string {
  return createHmac('sha256', key).update(token).digest('base64url');
}

function infoOf(record: TokenRecord): TokenInfo {
  const { hash: _hash, ...info } = record;
  return structuredClone(info);
}
