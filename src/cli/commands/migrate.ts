import type { Command } from 'commander';
import { moveVault } from '../../vault/move/move.js';
import { vaultEnd } from '../../vault/move/ends.js';
import { action, pathsFor } from '../context.js';
import { note, printJson, printLine, promptHidden } from '../io.js';

/**
 * `blindfold migrate`, as declared in ../definitions.ts: the vault and its audit trail moved between
 * the file and PostgreSQL (src/vault/move). The master key is found as for any command; it checks
 * the chains, it decrypts no value. Prints counts, never a value.
 */
export const migrateAction = action(async (opts: { from: string; to: string; json?: boolean }, cmd: Command) => {
  const from = vaultEnd(opts.from, '--from');
  const to = vaultEnd(opts.to, '--to');
  const askPassphrase = process.stdin.isTTY ? () => promptHidden('Passphrase for the vault (input hidden): ') : undefined;
  const report = await moveVault(from, to, { paths: pathsFor(cmd), notice: note, ...(askPassphrase ? { askPassphrase } : {}) });
  if (opts.json) {
    printJson(report);
    return;
  }
  printLine(`${report.resumed ? 'finished the copy' : 'copied'} ${report.from} → ${report.to} (revision ${report.revision}), verified:`);
  printLine(`  ${report.secrets} secrets, ${report.versions} stored versions, ${report.tombstones} tombstones, ${report.tokens} tokens, ${report.state} state records`);
  printLine(`  ${report.auditEntries} audit entries (the chain verifies there), ${report.auditNotices} unsigned notices`);
});
