import type { Command } from 'commander';
import { openAdmin } from '../admin.js';
import { action } from '../context.js';
import { assertSecretName } from '../../vault/names.js';
import { requireSecret } from '../lookup.js';
import { printJson, printLine } from '../io.js';

/** `blindfold rm`, as declared in ../definitions.ts: the core's admin removal (src/admin.ts). */
export const rmAction = action(async (name: string, opts: { force?: boolean; forgetFingerprints?: boolean; json?: boolean }, cmd: Command) => {
  const { vault, admin } = await openAdmin(cmd);
  assertSecretName(name);
  // A name removed earlier has only its retired values' fingerprints left: forgetting them is all there is to do.
  if (!(opts.forgetFingerprints && !vault.has(name) && vault.retiredCount(name) > 0)) requireSecret(vault, name); // SECRET_NOT_FOUND before any warning
  const removedBefore = vault.has(name);
  const outcome = await admin.remove(name, { force: opts.force === true, forgetFingerprints: opts.forgetFingerprints === true });
  for (const r of outcome.warnings) process.stderr.write(`blindfold: warning: ${name}: ${r}\n`);
  if (opts.forgetFingerprints) {
    const forgotten = outcome.retiredForgotten ?? 0;
    if (opts.json) return printJson({ removed: outcome.removed, forgotten: name, retiredForgotten: forgotten, warnings: outcome.warnings });
    return printLine(`${removedBefore ? `removed ${name} and forgot` : `forgot`} the fingerprints of its ${removedBefore ? 'values' : `${forgotten} retired value(s)`}: they are no longer redacted`);
  }
  if (opts.json) printJson({ removed: name, warnings: outcome.warnings, retiredRemembered: outcome.retiredRemembered });
  else printLine(`removed ${name}; its values stay redacted and keep tripping the wire (${outcome.retiredRemembered} remembered; \`blindfold rm ${name} --forget-fingerprints\` drops them)`);
});
