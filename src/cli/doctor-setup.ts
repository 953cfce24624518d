/**
 * `doctor`'s checks of the set-up, before any vault is opened: the config file, which home and
 * environment win and why, the stdio principal, where the master key comes from and who can read
 * it, and the Node that runs all this. Nothing here reads a key: only where it is and its mode.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { chooseEnvironment, chooseHome, type Chosen, type ConfigFile } from '../config.js';
import { repeatablePath } from '../echo.js';
import { describeError } from '../errors.js';
import { loadSettings, readSettingsFile, SETTING_ENV, settingsPath } from '../settings.js';
import { line, type DoctorLine } from './doctor-report.js';

const CONFIG_FIX = 'correct or remove it: it may name home, environment, principal, limits and rangeOrigins (README: "Config file")';
const SHELL_AGENTS_FIX =
  'fine for chat clients without a shell; an agent with a shell must run as another OS user than the vault owner, holding only a token for the team server (README: "Agents with a shell")';

/** The config file as read, or a fail line and no file (the other checks then go on without it). */
export function configCheck(env: NodeJS.ProcessEnv): { line: DoctorLine; file: ConfigFile | undefined } {
  const path = settingsPath(env);
  const shown = repeatablePath(path);
  try {
    const file = readSettingsFile(path);
    if (!existsSync(path)) return { line: line('config', 'ok', `no config file at ${shown} (defaults apply)`), file };
    const keys = Object.keys(file);
    return { line: line('config', 'ok', `${shown}${keys.length ? ` sets ${keys.join(', ')}` : ' sets nothing'}`), file };
  } catch (err) {
    return { line: line('config', 'fail', describeError(err), CONFIG_FIX), file: undefined };
  }
}

function from(chosen: Chosen, flag: string, variable: string, key: string): string {
  const where = { flag, env: variable, config: `"${key}" in the config file`, default: 'the default' }[chosen.source];
  return `(from ${where})`;
}

export function homeCheck(flag: string | undefined, env: NodeJS.ProcessEnv, file: ConfigFile): { line: DoctorLine; home: string } {
  const chosen = chooseHome(flag, env, file);
  const home = chosen.value;
  const said = `${repeatablePath(home)} ${from(chosen, '--home', 'BLINDFOLD_HOME', 'home')}`;
  const result = (l: DoctorLine) => ({ line: { ...l, source: chosen.source }, home });
  if (!existsSync(home)) {
    return result(line('home', 'fail', `${said} does not exist`, 'create it with `blindfold init`, or point --home, BLINDFOLD_HOME or "home" in the config file at your home'));
  }
  if ((statSync(home).mode & 0o077) !== 0) return result(line('home', 'warn', `${said} is open to other users`, `chmod 700 ${repeatablePath(home)}`));
  return result(line('home', 'ok', said));
}

export function environmentCheck(flag: string | undefined, env: NodeJS.ProcessEnv, file: ConfigFile): DoctorLine {
  try {
    const chosen = chooseEnvironment(flag, env, file);
    return { ...line('environment', 'ok', `${chosen.value} ${from(chosen, '--env', 'BLINDFOLD_ENV', 'environment')}`), source: chosen.source };
  } catch (err) {
    return line('environment', 'fail', describeError(err), 'set BLINDFOLD_ENV or "environment" in the config file to a name such as development, staging or production');
  }
}

/** `fileIsValid`: false when the config file failed above (its own line says why, once). */
export function principalCheck(env: NodeJS.ProcessEnv, fileIsValid: boolean): DoctorLine {
  if (!fileIsValid && !env[SETTING_ENV.principal]) return line('principal', 'warn', 'not known while the config file is not valid', 'fix the config file (see its line)');
  try {
    const principal = fileIsValid ? loadSettings({}, env).principal : env[SETTING_ENV.principal];
    const source = env[SETTING_ENV.principal] ? 'env' : principal !== undefined ? 'config' : 'default';
    const said =
      principal === undefined
        ? 'stdio servers name themselves after their client and entry (stdio:<client name>:<entry>) unless an entry passes --principal NAME'
        : `stdio:${principal} (from ${source === 'env' ? SETTING_ENV.principal : '"principal" in the config file'}; serve --principal wins)`;
    return { ...line('principal', 'ok', said), source };
  } catch (err) {
    return line('principal', 'fail', describeError(err), CONFIG_FIX);
  }
}

/** Where the key comes from, and who can read it. `opened`: the key source the vault opened with, if it did. */
export function keyCheck(env: NodeJS.ProcessEnv, homeKeyFile: string, opened: string | undefined): DoctorLine {
  if (env.BLINDFOLD_MASTER_KEY && env.BLINDFOLD_MASTER_KEY_FILE) {
    return line('key', 'fail', 'both BLINDFOLD_MASTER_KEY and BLINDFOLD_MASTER_KEY_FILE are set', 'unset one of them');
  }
  if (env.BLINDFOLD_MASTER_KEY) {
    return line('key', 'warn', `from BLINDFOLD_MASTER_KEY: every process ${user()} starts from this shell inherits it`, `prefer BLINDFOLD_MASTER_KEY_FILE; ${SHELL_AGENTS_FIX}`);
  }
  const [path, via] = env.BLINDFOLD_MASTER_KEY_FILE ? [resolve(env.BLINDFOLD_MASTER_KEY_FILE), 'BLINDFOLD_MASTER_KEY_FILE'] : [homeKeyFile, 'the home'];
  if (!existsSync(path)) {
    if (opened === 'prompt') return line('key', 'ok', 'a passphrase typed at the prompt (nothing stored)');
    if (via === 'the home') {
      return line('key', 'fail', `no master key: neither variable is set and ${repeatablePath(path)} does not exist`, 'restore master.key from your backup, or set BLINDFOLD_MASTER_KEY_FILE');
    }
    return line('key', 'fail', `${repeatablePath(path)} (named by ${via}) does not exist`, 'point BLINDFOLD_MASTER_KEY_FILE at your key file');
  }
  const info = statSync(path);
  const said = `the key file ${repeatablePath(path)} (${via === 'the home' ? 'in the home' : `named by ${via}`})`;
  if ((info.mode & 0o077) !== 0) return line('key', 'warn', `${said} is readable by other users`, `chmod 600 ${repeatablePath(path)}`);
  if (typeof process.getuid === 'function' && info.uid === process.getuid()) {
    return line('key', 'warn', `${said} belongs to ${user()}: an agent with a shell running as ${user()} can read it and open the vault`, SHELL_AGENTS_FIX);
  }
  return line('key', 'ok', `${said}, owned by another user and private`);
}

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}

/** Node 20 left maintenance in April 2026 (SPEC stack): it still runs Blindfold but gets no security fixes. */
export function nodeCheck(): DoctorLine {
  const major = Number(process.versions.node.split('.')[0]);
  const said = `Node ${process.versions.node} (${repeatablePath(process.execPath)})`;
  const upgrade = 'install Node 22 or 24, then print a fresh client entry with `blindfold serve` (it names the Node that ran it)';
  if (major < 20) return line('node', 'fail', `${said}: Blindfold needs Node 20 or newer`, upgrade);
  if (major === 20) return line('node', 'warn', `${said}: Node 20 reached its end of life in April 2026 and gets no more security fixes`, upgrade);
  return line('node', 'ok', said);
}
