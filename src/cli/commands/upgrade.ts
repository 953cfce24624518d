import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { chooseStoreUrl, storeLocation } from '../../store/choice.js';
import { action, globalOptions } from '../context.js';
import { printJson, printLine } from '../io.js';

/**
 * `blindfold upgrade`, as declared in ../definitions.ts: brings a PostgreSQL store's schema to this
 * release's version (numbered migrations under an advisory lock: several instances upgrading at
 * once apply each once). Serving instances never migrate; they refuse a schema they do not match.
 */
export const upgradeAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const url = chooseStoreUrl(globalOptions(cmd).store);
  if (!url) {
    throw new BlindfoldError('BAD_INPUT', 'upgrade is for a PostgreSQL store (--store or BLINDFOLD_STORE); a vault file needs none: it is brought up to date when opened');
  }
  const { initSchema, schemaVersion } = await import('../../store/postgres/index.js');
  if ((await schemaVersion(url)) === 0) {
    throw new BlindfoldError('VAULT_NOT_FOUND', `the store ${storeLocation(url)} has no Blindfold schema to upgrade; create it with \`blindfold init --store\``);
  }
  const { from, to } = await initSchema(url);
  const result = { store: storeLocation(url), from, to, changed: from !== to };
  if (opts.json) printJson(result);
  else printLine(from === to ? `the store ${result.store} is at schema version ${to}: nothing to do` : `upgraded the store ${result.store} from schema version ${from} to ${to}`);
});
