/**
 * The two ends of `blindfold migrate` (issue 22 item 3): a vault file, or a PostgreSQL database.
 *
 * A FILE is a vault file's path; its audit trail is the `audit.jsonl` beside it, in the same folder
 * (the home's layout: one vault per folder, so the trail of each end is found without a second
 * option, and a file → file move cannot mix up two `--audit` paths). A URL is postgres:// or
 * postgresql://, read from an environment variable with `env:NAME` (the URL may then hold the
 * password) or given on the command line without a password (PGPASSWORD or ~/.pgpass carry it):
 * one with a password is refused there exactly as `--store` refuses it (store/choice.ts).
 */
import { dirname, join, resolve } from 'node:path';
import { repeatablePath } from '../../echo.js';
import { BlindfoldError } from '../../errors.js';
import { storeLocation, urlFromArgv, urlFromEnv } from '../../store/choice.js';

export type VaultEnd =
  | { kind: 'file'; vault: string; audit: string; location: string }
  | { kind: 'postgres'; url: string; location: string };

/** `text` as given to `option` (`--from`, `--to`). A URL is never repeated with its password. */
export function vaultEnd(text: string, option: string, env: NodeJS.ProcessEnv = process.env): VaultEnd {
  if (text.startsWith('env:')) return postgresEnd(urlFromEnv(text.slice('env:'.length), env));
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return postgresEnd(urlFromArgv(text, option));
  if (text.trim() === '') throw new BlindfoldError('BAD_INPUT', `${option}: give a vault file's path or a postgres:// URL`);
  const vault = resolve(text);
  return { kind: 'file', vault, audit: join(dirname(vault), 'audit.jsonl'), location: repeatablePath(vault) };
}

function postgresEnd(url: string): VaultEnd {
  return { kind: 'postgres', url, location: storeLocation(url) };
}

/**
 * Why two ends cannot be moved between, or undefined: the same place, or two vault files in one
 * folder, which would share one `audit.jsonl` (the copy would find the source's trail there and
 * take it for its own).
 */
export function overlap(a: VaultEnd, b: VaultEnd): string | undefined {
  if (a.kind === 'file' && b.kind === 'file') {
    if (a.vault === b.vault) return `--from and --to both name ${a.location}`;
    if (a.audit === b.audit) return `--from and --to are in one folder, and would share its audit trail ${repeatablePath(a.audit)}: give the destination a folder of its own`;
    return undefined;
  }
  return a.kind === b.kind && a.location === b.location ? `--from and --to both name ${a.location}` : undefined;
}
