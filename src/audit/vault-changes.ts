import type { Vault } from '../vault/vault.js';
import type { AuditTrail } from './trail.js';

/**
 * Puts every change the vault makes on the audit trail under `principal`, inside the vault's write
 * lock before the change lands (SPEC §7): a change whose entry cannot be written does not happen.
 * Each entry claims the store revision its change lands as; a change whose writer was killed after
 * its entries and before it landed gets a `store.abort` entry naming that revision, so `audit
 * verify` can pair every claim with a change that is there (query.ts).
 */
export function recordVaultChanges(vault: Vault, audit: AuditTrail, principalOf: () => string): void {
  vault.recordChangesWith({
    async record(events, revision) {
      for (const e of events) {
        await audit.append({
          action: e.action,
          principal: principalOf(),
          secrets: e.names,
          ...(e.env ? { env: e.env } : {}),
          ...(e.reason ? { reason: e.reason } : {}),
          storeRevision: revision,
          outcome: 'ok',
        });
      }
    },
    async abort(revision) {
      await audit.append({
        action: 'store.abort',
        principal: principalOf(),
        storeRevision: revision,
        outcome: 'error',
        reason: `the change that was to land as store revision ${revision} was cut short by a crash and did not land; entries claiming that revision describe nothing`,
      });
    },
  });
}
