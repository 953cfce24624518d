/** Unsigned notices from processes that hold no audit key (see appendUnsignedNotice). */
import { closeSync, existsSync, openSync, writeSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditFields } from '../../audit/chain.js';
import { lockAudit, tryLockAudit, type Release } from './lock.js';

/**
 * A process that cannot open the vault (wrong or missing key: `vault.sealed`) has no audit key, so
 * it cannot sign. It still leaves a notice, marked `"unsigned": true`, outside the chain: `audit`
 * shows it, `audit verify` counts it separately and the chain runs on across it. Best effort: a
 * notice that cannot be written is not an error of its own, and a busy lock is waited for in the
 * background (on timers) rather than by freezing the process.
 */
export function appendUnsignedNotice(path: string, fields: AuditFields): void {
  if (!existsSync(dirname(path))) return;
  const write = (release: Release) => {
    try {
      const fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      try {
        writeSync(fd, `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), ...fields, unsigned: true })}\n`);
      } finally {
        closeSync(fd);
      }
    } catch {
      // best effort, see above
    } finally {
      release();
    }
  };
  try {
    const release = tryLockAudit(path);
    if (release) return write(release);
  } catch {
    return;
  }
  lockAudit(path).then(write, () => undefined);
}
