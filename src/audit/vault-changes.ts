import type { Vault } from '../vault/vault.js';
import type { AuditLog } from './log.js';

/**
 * Puts every change the vault makes on the audit trail under `principal`, inside the vault's write
 * lock before the change lands (SPEC §7): a change whose entry cannot be written does not happen.
 */
export function recordVaultChanges(vault: Vault, audit: AuditLog, principal: string): void {
  vault.recordChangesWith(async (events) => {
    for (const e of events) {
      await audit.append({
        action: e.action,
        principal,
        secrets: e.names,
        ...(e.env ? { env: e.env } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
        outcome: 'ok',
      });
    }
  });
}
