import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSettingsFile, settingsPath, type Settings } from './settings.js';
import { assertEnvironment } from './vault/names.js';

/** Which of the places a setting may come from gave it (SPEC §2: flag > environment variable > config file > default). */
export type SettingSource = 'flag' | 'env' | 'config' | 'default';

export interface Chosen {
  value: string;
  source: SettingSource;
}

/** What the config file says about the home and the environment (`{}` when there is none). */
export type ConfigFile = Pick<Partial<Settings>, 'home' | 'environment'>;

export function readConfigFile(env: NodeJS.ProcessEnv = process.env): ConfigFile {
  return readSettingsFile(settingsPath(env));
}

/** The home folder and where it came from; MCP clients that pass no environment still find it through the config file. */
export function chooseHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, file: ConfigFile = readConfigFile(env)): Chosen {
  // The file is read even when a flag wins: a file that is there but wrong is an error, never skipped.
  if (flag !== undefined) return { value: resolve(flag), source: 'flag' };
  if (env.BLINDFOLD_HOME) return { value: resolve(env.BLINDFOLD_HOME), source: 'env' };
  const home = file.home;
  if (home !== undefined) return { value: home.startsWith('~/') ? join(env.HOME ?? homedir(), home.slice(2)) : resolve(home), source: 'config' };
  return { value: defaultHome(), source: 'default' };
}

export function defaultHome(): string {
  return resolve(join(homedir(), '.blindfold'));
}

/** Where everything lives. Built once per process from flags, environment variables and the config file (SPEC §2). */
export interface BlindfoldPaths {
  home: string;
  vault: string;
  keyFile: string;
  nextKeyFile: string;
  audit: string;
  tasks: string;
  /** Principals the tripwire suspended (shared by every process using this home). */
  suspensions: string;
  /** Partial hits each principal has spent of its allowance (shared by every process of the home). */
  allowance: string;
  /** Origins whose answers tripped the wire, and those quarantined for it. */
  quarantine: string;
}

export interface PathOverrides {
  home?: string | undefined;
  vault?: string | undefined;
  audit?: string | undefined;
  tasks?: string | undefined;
}

export function resolvePaths(overrides: PathOverrides = {}, env: NodeJS.ProcessEnv = process.env, file: ConfigFile = readConfigFile(env)): BlindfoldPaths {
  const home = chooseHome(overrides.home, env, file).value;
  return {
    home,
    vault: resolve(overrides.vault ?? join(home, 'vault.json')),
    keyFile: join(home, 'master.key'),
    nextKeyFile: join(home, 'master.key.next'),
    audit: resolve(overrides.audit ?? join(home, 'audit.jsonl')),
    tasks: resolve(overrides.tasks ?? join(home, 'tasks')),
    suspensions: join(home, 'suspended.json'),
    allowance: join(home, 'allowance.json'),
    quarantine: join(home, 'quarantine.json'),
  };
}

export const DEFAULT_RUNTIME_ENVIRONMENT = 'development';

export function resolveEnvironment(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return chooseEnvironment(flag, env).value;
}

/** The environment whose values are used, and where it came from. */
export function chooseEnvironment(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, file: ConfigFile = readConfigFile(env)): Chosen {
  if (flag !== undefined) return { value: assertEnvironment(flag), source: 'flag' };
  if (env.BLINDFOLD_ENV) return { value: assertEnvironment(env.BLINDFOLD_ENV), source: 'env' };
  const fromFile = file.environment;
  if (fromFile !== undefined) return { value: assertEnvironment(fromFile), source: 'config' };
  return { value: DEFAULT_RUNTIME_ENVIRONMENT, source: 'default' };
}
