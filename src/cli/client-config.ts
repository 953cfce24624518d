/**
 * The MCP client entry that starts this same server. Clients (Claude Desktop, IDEs) start servers
 * with a minimal environment, so whatever this process got from its shell — a non-default home, a
 * key file, an environment — must be spelled out in the entry, or the client's server opens (or
 * creates) a different vault. Never includes a key: BLINDFOLD_MASTER_KEY is only named.
 * The command is the Node binary running now and the absolute path of the script it ran: a client
 * whose PATH finds another `node` (an older one, or none) still starts what was tested here.
 */
import { join, resolve } from 'node:path';
import type { BlindfoldPaths } from '../config.js';
import { DEFAULT_RUNTIME_ENVIRONMENT, defaultHome } from '../config.js';

export interface ClientEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export function clientEntryFor(paths: BlindfoldPaths, environment: string, serveArgs: string[], env: NodeJS.ProcessEnv = process.env): ClientEntry {
  const block: Record<string, string> = {};
  const args = [cliScript()];
  if (paths.home !== defaultHome()) block.BLINDFOLD_HOME = paths.home;
  for (const [flag, path, usual] of [
    ['--vault', paths.vault, join(paths.home, 'vault.json')],
    ['--audit', paths.audit, join(paths.home, 'audit.jsonl')],
    ['--tasks', paths.tasks, join(paths.home, 'tasks')],
  ] as const) {
    if (path !== usual) args.push(flag, path);
  }
  args.push('serve', ...serveArgs);
  if (environment !== DEFAULT_RUNTIME_ENVIRONMENT) block.BLINDFOLD_ENV = environment;
  if (env.BLINDFOLD_MASTER_KEY_FILE) block.BLINDFOLD_MASTER_KEY_FILE = resolve(env.BLINDFOLD_MASTER_KEY_FILE);
  if (env.BLINDFOLD_MASTER_KEY) block.BLINDFOLD_MASTER_KEY = '<your key: set it here or use BLINDFOLD_MASTER_KEY_FILE>';
  return { command: process.execPath, args, ...(Object.keys(block).length ? { env: block } : {}) };
}

/**
 * The absolute path of the script Node ran (dist/cli/main.js, or npm's bin link to it, which Node
 * follows). From argv, not this module's URL: the CLI is bundled, and this code sits in a chunk or
 * a CommonJS file.
 */
export function cliScript(): string {
  return resolve(process.argv[1] ?? 'dist/cli/main.js');
}
