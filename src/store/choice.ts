/**
 * Which store a home's vault lives in (issue 22, SPEC §7): the file in the home (the default, for one
 * person) or a PostgreSQL database shared by several servers, named by `--store URL`, by
 * BLINDFOLD_STORE, or by a file that BLINDFOLD_STORE_FILE names (holding the URL on its first line).
 * A password never goes on the command line, where every user of the machine can read it (`ps`):
 * `--store` refuses a URL that holds one; the variable, the file, PGPASSWORD or ~/.pgpass carry it.
 * No message repeats a URL with its password (redactedLocation).
 */
import { readFileSync } from 'node:fs';
import { repeatablePath } from '../echo.js';
import { BlindfoldError } from '../errors.js';
import { redactedLocation } from './postgres/connection.js';

export const STORE_ENV = 'BLINDFOLD_STORE';
export const STORE_FILE_ENV = 'BLINDFOLD_STORE_FILE';

/** The PostgreSQL URL chosen (flag, then variable, then file), or undefined for the file store. */
export function chooseStoreUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag !== undefined) return urlFromArgv(flag, '--store');
  const fromEnv = env[STORE_ENV];
  if (fromEnv) return checkUrl(fromEnv, STORE_ENV);
  const file = env[STORE_FILE_ENV];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new BlindfoldError('BAD_INPUT', `${STORE_FILE_ENV}: cannot read ${repeatablePath(file)} (it should hold the store's postgres:// URL)`);
    }
    return checkUrl(text.split(/\r?\n/)[0]!.trim(), `the file ${repeatablePath(file)}`);
  }
  return undefined;
}

/**
 * A URL given on the command line (`--store`, `migrate --from/--to`): refused when it holds a
 * password, which every user of the machine could read there. One definition for every option.
 */
export function urlFromArgv(url: string, option: string): string {
  checkUrl(url, option);
  if (holdsPassword(url)) {
    throw new BlindfoldError(
      'BAD_INPUT',
      `${option}: this URL holds a password, and a command line is visible to every user of this machine; ` +
        `give the URL in ${STORE_ENV} or in a file named by ${STORE_FILE_ENV}, or the password in PGPASSWORD or ~/.pgpass (nothing was done)`,
    );
  }
  return url;
}

/** A URL read from the environment variable `name` (`migrate --to env:NAME`): it may hold a password. */
export function urlFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new BlindfoldError('BAD_INPUT', 'env:NAME: NAME must be an environment variable name (what was given is not repeated)');
  const url = env[name];
  if (!url) throw new BlindfoldError('BAD_INPUT', `env:${name}: the environment variable ${name} is not set (it should hold the store's postgres:// URL)`);
  return checkUrl(url, `env:${name}`);
}

function checkUrl(url: string, where: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // Never echoed: a URL that does not parse may still hold a password.
  if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
    throw new BlindfoldError('BAD_INPUT', `${where}: not a postgres:// or postgresql:// URL (not repeated here)`);
  }
  return url;
}

function holdsPassword(url: string): boolean {
  const parsed = new URL(url);
  return parsed.password !== '' || [...parsed.searchParams.keys()].some((k) => /pass/i.test(k));
}

/** The store's place for messages: the URL without its password. */
export function storeLocation(url: string): string {
  return redactedLocation(url);
}
