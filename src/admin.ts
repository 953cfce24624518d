/**
 * The admin operations of one core (issue 19 item 3): set, import, remove, rollback, history, key
 * rotation and the suspension list, in one place for every door that manages secrets — the library's `core.admin`,
 * the CLI, and next the team server and the page — so they share one implementation and one audit
 * path. Each change is recorded on the trail under the admin principal inside the vault's write
 * lock, before it lands (a change whose entry cannot be written does not happen).
 *
 * Nothing here returns a value: `set` takes one, nothing gives one back.
 */
import type { AuditTrail } from './audit/trail.js';
import { recordVaultChanges } from './audit/vault-changes.js';
import { BlindfoldError } from './errors.js';
import type { CountedAllowance } from './policy/allowance.js';
import type { SuspensionList } from './policy/suspensions.js';
import { fingerprintVaultWrites } from './redact/vault-index.js';
import { rotateKeyFile, type KeyFileRotationOptions, type KeyFileRotationResult } from './vault/key-file-rotation.js';
import type { RotationProgress } from './vault/rotation.js';
import type { HistoryInfo, SecretInfo, SetOutcome, SetSecretInput, Vault } from './vault/vault.js';
import { repeatable } from './echo.js';
import { secretInScope } from './policy/scope.js';
import { assertSecretName } from './vault/names.js';
import { nameTaken } from './vault/rename.js';
import type { TokenInfo, TokenSpec } from './vault/tokens.js';

/** What the admin operations work on: the core's vault, trail and policy state. */
export interface AdminDeps {
  vault: Vault;
  audit: AuditTrail;
  suspensions?: SuspensionList | undefined;
  allowance?: CountedAllowance | undefined;
  /** Task names and files that name a secret (a removal warns of them). */
  tasksUsing?: (name: string) => Array<{ name: string; file: string }> | Promise<Array<{ name: string; file: string }>>;
}

export interface RemoveOutcome {
  removed: string | null;
  /** Why the removal needed `force` (tasks naming it, a recent use); empty when nothing did. */
  warnings: string[];
  /** Retired values whose fingerprints stay redacted (0 when they were forgotten). */
  retiredRemembered: number;
  retiredForgotten?: number;
}

export interface RenameOutcome {
  from: string;
  to: string;
  /** Versions kept under the new name, the current one included. */
  versions: number;
  /** Retired values (tombstones) now kept, and still redacted, under the new name. */
  retiredRemembered: number;
  /** What needed `force` (tasks naming the old name, tokens whose globs tell the names apart); empty when nothing did. */
  warnings: string[];
}

export const RECENT_USE_MS = 7 * 24 * 3600 * 1000;

/**
 * The admin side of a core: one per core, handing out an `Admin` per principal. Changes are made
 * one at a time, so each is recorded under the principal that made it.
 */
export class AdminCore {
  readonly #deps: AdminDeps;
  #by = '';
  #queue: Promise<unknown> = Promise.resolve();
  #ready: Promise<unknown> | undefined;

  constructor(deps: AdminDeps) {
    this.#deps = deps;
  }

  as(principal: string): Admin {
    return new Admin(this.#deps, principal, <T>(work: () => Promise<T>) => this.#change(principal, work));
  }

  /** Runs one change as `principal`, after the ones before it. */
  #change<T>(principal: string, work: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#ready ??= this.#prepare();
      await this.#ready;
      this.#by = principal;
      return work();
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Once: every change recorded on the trail, every value written with its fingerprints. */
  async #prepare(): Promise<void> {
    const { vault, audit } = this.#deps;
    recordVaultChanges(vault, audit, () => this.#by);
    await fingerprintVaultWrites(vault);
  }
}

/** The admin operations as one principal (`core.admin`). */
export class Admin {
  readonly #deps: AdminDeps;
  /** Who the changes are recorded under. */
  readonly principal: string;
  readonly #change: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(deps: AdminDeps, principal: string, change: <T>(work: () => Promise<T>) => Promise<T>) {
    this.#deps = deps;
    this.principal = principal;
    this.#change = change;
  }

  /**
   * Settles what a writer killed mid-change left in the store (its audit entries get a
   * `store.abort`), writing nothing else; `audit verify` runs it first. Returns the store revision.
   */
  settle(): Promise<number> {
    return this.#change(() => this.#deps.vault.settle());
  }

  async list(): Promise<readonly SecretInfo[]> {
    await this.#deps.vault.refresh();
    return this.#deps.vault.list();
  }

  async history(name: string): Promise<HistoryInfo[]> {
    await this.#deps.vault.refresh();
    return this.#deps.vault.history(name);
  }

  /** Creates or updates a secret (value, policy, or both); audited before it lands. */
  set(input: SetSecretInput): Promise<SetOutcome> {
    return this.#change(() => this.#deps.vault.set(input));
  }

  /**
   * Removes a secret. Refused (SECRET_IN_USE) while a task names it or it was used in the last
   * week, unless `force`; its values' fingerprints stay (still redacted, still a tripwire) unless
   * `forgetFingerprints`, which also drops those of a name removed earlier.
   */
  remove(name: string, options: { force?: boolean; forgetFingerprints?: boolean } = {}): Promise<RemoveOutcome> {
    return this.#change(async () => {
      const { vault } = this.#deps;
      await vault.refresh();
      if (options.forgetFingerprints && !vault.has(name) && vault.retiredCount(name) > 0) {
        const forgotten = vault.retiredCount(name);
        await vault.remove(name, { forgetFingerprints: true });
        return { removed: null, warnings: [], retiredRemembered: 0, retiredForgotten: forgotten };
      }
      if (!vault.has(name)) throw new BlindfoldError('SECRET_NOT_FOUND', `no secret named ${repeatable(name)}`);
      const warnings = await this.#inUse(name);
      if (warnings.length && !options.force) {
        throw new BlindfoldError('SECRET_IN_USE', `not removing ${name}: ${warnings.join('; ')}. Run again with --force to remove it anyway`, { reasons: warnings });
      }
      const forgotten = options.forgetFingerprints ? vault.retiredCount(name) : undefined;
      await vault.remove(name, { forgetFingerprints: options.forgetFingerprints === true });
      return { removed: name, warnings, retiredRemembered: vault.retiredCount(name), ...(forgotten !== undefined ? { retiredForgotten: forgotten } : {}) };
    });
  }

  /**
   * Renames a secret, every kept version re-encrypted under the new name (rename.ts), history and
   * fingerprints kept. Refused (SECRET_IN_USE) while a task names the old name or a token's secret
   * globs would stop or start matching it, unless `force`; the reasons are returned either way.
   */
  rename(from: string, to: string, options: { force?: boolean } = {}): Promise<RenameOutcome> {
    return this.#change(async () => {
      const { vault } = this.#deps;
      await vault.refresh();
      assertSecretName(to);
      if (!vault.has(from)) throw new BlindfoldError('SECRET_NOT_FOUND', `no secret named ${repeatable(from)}`);
      if (from !== to && vault.has(to)) throw nameTaken(to); // the same name twice is refused by the vault, as nothing to do
      const warnings = [...(await this.#tasksNaming(from)), ...this.#tokensMoved(from, to)];
      if (warnings.length && !options.force) {
        throw new BlindfoldError('SECRET_IN_USE', `not renaming ${repeatable(from)}: ${warnings.join('; ')}. Update them, or run again with --force to rename it anyway`, { reasons: warnings });
      }
      await vault.rename(from, to);
      return { from, to, versions: vault.history(to).length, retiredRemembered: vault.retiredCount(to), warnings };
    });
  }

  /** Creates or updates many secrets in batches (`import`); each batch audited before it lands. */
  setMany(inputs: SetSecretInput[], onProgress?: (p: RotationProgress) => void): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
    return this.#change(() => this.#deps.vault.setMany(inputs, onProgress));
  }

  /** Rotates the master key (resuming one cut off), re-wrapping every data key; audited. */
  rotateKey(options: KeyFileRotationOptions): Promise<KeyFileRotationResult> {
    return this.#change(() => rotateKeyFile(this.#deps.vault, options));
  }

  /** Makes an earlier version current again (as a new version; nothing is lost). */
  rollback(name: string, toVersion: number): Promise<SecretInfo> {
    return this.#change(() => this.#deps.vault.rollback(name, toVersion));
  }

  /** The principals suspended now (the stdio wildcard among them). */
  async suspended(): Promise<Array<{ principal: string; since: string; reason: string }>> {
    // Suspensions decided by another process of the home (a server, while the page shows them).
    await this.#deps.vault.refresh();
    await this.#deps.suspensions?.settled();
    return this.#deps.suspensions?.list() ?? [];
  }

  /** Lifts a suspension and resets the principal's partial-hit allowance; audited first. False when there was nothing to lift. */
  clear(principal: string): Promise<boolean> {
    return this.#change(async () => {
      const { suspensions, allowance, audit } = this.#deps;
      await suspensions?.settled();
      const listed = suspensions?.list().some((e) => e.principal === principal) ?? false;
      const spent = (allowance?.used(principal) ?? 0) > 0;
      if (!listed && !spent) return false;
      await audit.append({ action: 'principal.cleared', principal: this.principal, reason: `cleared ${principal}`, outcome: 'ok' });
      await suspensions?.clear(principal);
      await allowance?.reset(principal);
      return true;
    });
  }

  /** Creates an agent token (vault/tokens.ts), audited before it lands; the only time the token is returned. */
  createToken(spec: TokenSpec): Promise<{ token: string; info: TokenInfo }> {
    return this.#change(() => this.#deps.vault.tokens.create(spec));
  }

  /** Revokes an agent token, audited before it lands; TOKEN_NOT_FOUND when there is none by that name. */
  revokeToken(name: string): Promise<void> {
    return this.#change(() => this.#deps.vault.tokens.revoke(name));
  }

  /** The agent tokens' names and scopes (never a token or its hash). */
  async tokens(): Promise<TokenInfo[]> {
    await this.#deps.vault.refresh();
    return this.#deps.vault.tokens.list();
  }

  async #tasksNaming(name: string): Promise<string[]> {
    const tasks = (await this.#deps.tasksUsing?.(name)) ?? [];
    return tasks.length ? [`tasks name it: ${tasks.map((t) => `${t.name} (${t.file})`).join(', ')}`] : [];
  }

  /** Tokens whose secret globs match one name and not the other: a rename would take the secret from them, or give it. */
  #tokensMoved(from: string, to: string): string[] {
    const moved = this.#deps.vault.tokens.list().filter((t) => secretInScope({ secrets: t.secrets }, from) !== secretInScope({ secrets: t.secrets }, to));
    return moved.length ? [`the secret globs of token(s) ${moved.map((t) => repeatable(t.name)).join(', ')} match one name and not the other`] : [];
  }

  async #inUse(name: string): Promise<string[]> {
    const tasks = await this.#tasksNaming(name);
    let lastUse: string | undefined;
    try {
      // Usage follows renames (uses under an earlier name count), as `show` and `list --unused` see it.
      const last = this.#deps.audit.usage().get(name)?.lastUsedAt;
      if (last && Date.parse(last) >= Date.now() - RECENT_USE_MS) lastUse = last;
    } catch {
      // no readable trail: nothing to warn about
    }
    return [...tasks, ...(lastUse ? [`it was last used at ${lastUse}`] : [])];
  }
}
