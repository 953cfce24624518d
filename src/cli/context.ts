import { loadSettings } from '../settings.js';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { readyTrail, type AuditTrail } from '../audit/trail.js';
import { chooseStoreUrl } from '../store/choice.js';
import { fileHomeState } from '../store/home-state.js';
import { resolveEnvironment, resolvePaths, type BlindfoldPaths } from '../config.js';
import { BlindfoldError, describeError, type ErrorCode } from '../errors.js';
import { Vault, type OpenOptions } from '../vault/vault.js';
import { EXIT } from './exit-codes.js';
import { note, promptHidden } from './io.js';
import { adminHint } from './admin-hints.js';

export { EXIT };

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  home?: string;
  vault?: string;
  audit?: string;
  tasks?: string;
  store?: string;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function pathsFor(cmd: Command): BlindfoldPaths {
  const o = globalOptions(cmd);
  return resolvePaths({ home: o.home, vault: o.vault, audit: o.audit, tasks: o.tasks });
}

export function environmentFor(flag: string | undefined): string {
  return resolveEnvironment(flag);
}

export async function openVault(cmd: Command, extra: Partial<OpenOptions> = {}): Promise<Vault> {
  const paths = pathsFor(cmd);
  try {
    const storeUrl = chooseStoreUrl(globalOptions(cmd).store);
    return await Vault.open({ paths, notice: note, askPassphrase: passphrasePrompt(), ...(storeUrl ? { storeUrl } : {}), ...extra });
  } catch (err) {
    if (err instanceof BlindfoldError && (err.code === 'VAULT_SEALED' || err.code === 'DECRYPT_FAILED')) {
      fileHomeState(paths).auditReader().notice({
        action: 'vault.sealed',
        principal: cliPrincipal(),
        outcome: 'denied',
        reason: `${err.code}: ${cmd.name()} could not open the vault`,
      });
    }
    throw err;
  }
}

/** Only a terminal can be asked: piped stdin may be a value on its way to `set`. */
function passphrasePrompt(): (() => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return () => promptHidden('Passphrase for the vault (input hidden): ');
}

export function cliPrincipal(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers); keep "unknown"
  }
  return `cli:${user}`;
}

export async function openAudit(vault: Vault): Promise<AuditTrail> {
  const limits = loadSettings().limits;
  return readyTrail(vault.state.audit({ key: await vault.auditKey(), vaultId: vault.vaultId, retentionDays: limits.auditRetentionDays, quotaBytes: limits.auditQuotaBytes }));
}

const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: EXIT.usage,
  BAD_NAME: EXIT.usage,
  BAD_ENVIRONMENT: EXIT.usage,
  BAD_HOST: EXIT.usage,
  BAD_PLACEMENT: EXIT.usage,
  BAD_INJECT: EXIT.usage,
  UNKNOWN_PRESET: EXIT.usage,
  VALUE_TOO_SHORT: EXIT.usage,
  VALUE_IN_ARGV: EXIT.usage,
  VAULT_SEALED: EXIT.sealed,
  VAULT_CORRUPT: EXIT.sealed,
  KEY_ROTATION_IN_PROGRESS: EXIT.sealed,
  DECRYPT_FAILED: EXIT.sealed,
  SECRET_NOT_FOUND: EXIT.notFound,
  VERSION_NOT_FOUND: EXIT.notFound,
  VAULT_NOT_FOUND: EXIT.notFound,
  VAULT_KEY_ROTATED: EXIT.sealed,
  TASK_NOT_FOUND: EXIT.notFound,
  TOKEN_NOT_FOUND: EXIT.notFound,
  AUDIT_UNAVAILABLE: EXIT.error,
  VERSION_CONFLICT: EXIT.conflict,
  SECRET_IN_USE: EXIT.conflict,
  VAULT_LOCKED: EXIT.conflict,
};

export function exitCodeFor(err: unknown): number {
  if (err instanceof BlindfoldError) return EXIT_BY_CODE[err.code] ?? EXIT.error;
  return EXIT.error;
}

/** Wraps a command action: one-line error on stderr, a stable exit code, never a stack trace. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportError(err);
      process.exitCode = exitCodeFor(err);
    }
  };
}

/** The one-line error of a failed command on stderr (a stack trace only with BLINDFOLD_DEBUG, and never for ours). */
export function reportError(err: unknown): void {
  const code = err instanceof BlindfoldError ? err.code : 'INTERNAL';
  process.stderr.write(`blindfold: error: ${describeError(err)}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`);
  // The command that fixes it goes to the admin here, never into a message an agent reads.
  const details = err instanceof BlindfoldError ? err.details : undefined;
  const hint = adminHint({ code, ...(typeof details?.name === 'string' ? { secrets: [details.name] } : {}), ...(typeof details?.env === 'string' ? { env: details.env } : {}) });
  if (hint) process.stderr.write(`blindfold: fix: ${hint}\n`);
  if (process.env.BLINDFOLD_DEBUG && err instanceof Error && !(err instanceof BlindfoldError)) {
    process.stderr.write(`${err.stack ?? ''}\n`);
  }
}
