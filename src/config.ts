import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertEnvironment } from './vault/names.js';

/** Where everything lives. Built once per process from flags and environment variables (SPEC §2). */
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

export function resolvePaths(overrides: PathOverrides = {}, env: NodeJS.ProcessEnv = process.env): BlindfoldPaths {
  const home = resolve(overrides.home ?? env.BLINDFOLD_HOME ?? join(homedir(), '.blindfold'));
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
  return assertEnvironment(flag ?? env.BLINDFOLD_ENV ?? DEFAULT_RUNTIME_ENVIRONMENT);
}
