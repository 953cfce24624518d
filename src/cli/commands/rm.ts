import type { Command } from 'commander';
import { readAudit } from '../../audit/query.js';
import { BlindfoldError } from '../../errors.js';
import { action, openVaultForChange } from '../context.js';
import { assertSecretName } from '../../vault/names.js';
import { requireSecret } from '../lookup.js';
import { printJson, printLine } from '../io.js';
import type { Vault } from '../../vault/vault.js';

const RECENT_MS = 7 * 24 * 3600 * 1000;

/** `blindfold rm`, as declared in ../definitions.ts. */
export const rmAction = action(async (name: string, opts: { force?: boolean; forgetFingerprints?: boolean; json?: boolean }, cmd: Command) => {
  const vault = await openVaultForChange(cmd);
  assertSecretName(name);
  // A name removed earlier has only its retired values' fingerprints left: forgetting them is all there is to do.
  if (opts.forgetFingerprints && !vault.has(name) && vault.retiredCount(name) > 0) return forget(vault, name, opts.json);
  requireSecret(vault, name); // SECRET_NOT_FOUND before any warning
  const { loadTaskFolder } = await import('../../tasks/loader.js'); // YAML parsing only where needed
  const tasks = loadTaskFolder(vault.paths.tasks, vault).tasks.filter((t) => t.secrets.includes(name));
  let lastUse: string | undefined;
  try {
    lastUse = readAudit(vault.paths.audit, { secret: name, action: 'secret.resolve', since: new Date(Date.now() - RECENT_MS) }).at(-1)?.time;
  } catch {
    // no readable audit trail: nothing to warn about
  }
  const reasons = [
    ...(tasks.length ? [`tasks name it: ${tasks.map((t) => `${t.name} (${t.file})`).join(', ')}`] : []),
    ...(lastUse ? [`it was last used at ${lastUse}`] : []),
  ];
  if (reasons.length && !opts.force) {
    throw new BlindfoldError('SECRET_IN_USE', `not removing ${name}: ${reasons.join('; ')}. Run again with --force to remove it anyway`, { reasons });
  }
  for (const r of reasons) process.stderr.write(`blindfold: warning: ${name}: ${r}\n`);
  if (opts.forgetFingerprints) return forget(vault, name, opts.json, reasons);
  await vault.remove(name);
  const remembered = vault.retiredCount(name);
  if (opts.json) printJson({ removed: name, warnings: reasons, retiredRemembered: remembered });
  else printLine(`removed ${name}; its values stay redacted and keep tripping the wire (${remembered} remembered; \`blindfold rm ${name} --forget-fingerprints\` drops them)`);
});

async function forget(vault: Vault, name: string, json: boolean | undefined, warnings: string[] = []): Promise<void> {
  const removed = vault.has(name);
  const forgotten = vault.retiredCount(name);
  await vault.remove(name, { forgetFingerprints: true });
  if (json) printJson({ removed: removed ? name : null, forgotten: name, retiredForgotten: forgotten, warnings });
  else printLine(`${removed ? `removed ${name} and forgot` : `forgot`} the fingerprints of its ${removed ? 'values' : `${forgotten} retired value(s)`}: they are no longer redacted`);
}
